import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { waitForTrace } from '../support/query.ts';
import { startEmbedded, tempDir } from '../storage/support.ts';
import type { RunningWaymark } from '../support/waymark.ts';
import { grpcQuery } from './targets/grpc-query.ts';
import { jaegerAgentBinary, jaegerAgentCompact, jaegerProto, jaegerThriftHttp } from './targets/jaeger.ts';
import { otlpJson, otlpProto } from './targets/otlp.ts';
import { queryLegacy, queryV3, queryV3Body, transform } from './targets/query.ts';
import { zipkinV1Json, zipkinV1Thrift, zipkinV2Json, zipkinV2Proto } from './targets/zipkin.ts';
import type { FuzzTarget } from './target.ts';

/**
 * The end-to-end pass: a real Waymark process (embedded store) gets fuzzed bodies on every
 * receiver port and query endpoint. Every answer must be a success or the
 * protocol's refusal (4xx, 503 with Retry-After; a gRPC status other than
 * INTERNAL/UNKNOWN), the process must stay healthy, and a valid request
 * afterwards must still work.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const PER_ENDPOINT = Number(process.env.FUZZ_E2E_RUNS ?? 25);

// The default store, so fuzzed spans are written to DuckDB and fuzzed searches run against it.
const data = tempDir();
let w: RunningWaymark;
before(async () => {
  w = await startEmbedded(data.dir);
});
after(async () => {
  await w?.stop();
  data.remove();
});

const inputs = <T>(t: FuzzTarget<T>, salt: number): T[] => fc.sample(t.input, { seed: SEED + salt, numRuns: PER_ENDPOINT });

interface Answer {
  what: string;
  status: number;
  retryAfter: string | null;
  body: string;
}

async function post(url: string, contentType: string, body: Uint8Array, encoding?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (encoding) headers['content-encoding'] = encoding;
  const res = await fetch(url, { method: 'POST', headers, body: Buffer.from(body) });
  return { what: `POST ${url} (${contentType}${encoding ? `, ${encoding}` : ''})`, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.text()).slice(0, 300) };
}

async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { what: `GET ${url.slice(0, 300)}`, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.text()).slice(0, 300) };
}

function assertRefusedOrServed(answers: Answer[]): void {
  for (const a of answers) {
    const fine = a.status < 500 || (a.status === 503 && a.retryAfter !== null);
    assert.ok(fine, `${a.what} answered ${a.status}: ${a.body}`);
  }
}

function grpcRaw(port: number, path: string, bytes: Uint8Array, stream: boolean): Promise<grpc.status> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    const done = (code: grpc.status) => {
      client.close();
      resolve(code);
    };
    if (!stream) {
      client.makeUnaryRequest(path, identity, identity, Buffer.from(bytes), { deadline: Date.now() + 60_000 }, (err) => done(err?.code ?? grpc.status.OK));
      return;
    }
    const call = client.makeServerStreamRequest(path, identity, identity, Buffer.from(bytes), { deadline: Date.now() + 60_000 });
    call.on('data', () => undefined);
    call.on('error', (err: grpc.ServiceError) => done(err.code));
    call.on('end', () => done(grpc.status.OK));
  });
}

const SERVER_FAULTS = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS]);

async function sequential<T>(items: T[], fn: (x: T) => Promise<Answer>): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const x of items) out.push(await fn(x));
  return out;
}

/** Searches at the edges of every numeric parameter, which the store must answer or refuse, not fail on. */
const EDGE_QUERIES = [
  '/api/traces?service=s&start=99999999999999999999&end=99999999999999999999',
  '/api/traces?service=s&start=0&end=18446744073709551615',
  '/api/traces?service=s&end=1',
  '/api/traces?service=s&minDuration=9999999999h&maxDuration=99999999999h',
  '/api/traces?service=s&limit=999999999',
  '/api/traces?service=s&tags={"k":"' + 'v'.repeat(5000) + '"}',
  '/api/traces?traceID=ffffffffffffffffffffffffffffffff&traceID=1',
  '/api/v3/traces?query.service_name=s&query.start_time_min=0001-01-01T00:00:00Z&query.start_time_max=9999-12-31T23:59:59.999999999Z',
  '/api/v3/traces?query.start_time_min=1969-12-31T23:59:59Z&query.start_time_max=1970-01-01T00:00:01Z&query.num_traces=999999999',
  '/api/v3/traces/1?start_time=0001-01-01T00:00:00Z&end_time=9999-12-31T23:59:59Z',
  '/api/v3/trace-summaries?query.start_time_min=0001-01-01T00:00:00Z&query.start_time_max=9999-12-31T23:59:59Z&query.duration_min=9999999h',
  '/api/dependencies?endTs=99999999999999999999&lookback=99999999999999999999',
  '/api/dependencies?endTs=1&lookback=2',
  '/api/v3/dependencies?start_time=0001-01-01T00:00:00Z&end_time=9999-12-31T23:59:59Z',
  '/api/services/%00/operations',
  '/api/operations?service=' + 'x'.repeat(10_000),
];

test('fuzzed bodies on every HTTP receiver and query route: 4xx or success, never a 500', async () => {
  const p = w.ports;
  const otlp = `http://127.0.0.1:${p.otlpHttp}/v1/traces`;
  const zipkin = `http://127.0.0.1:${p.zipkin}`;
  const answers = await Promise.all([
    sequential(inputs(otlpProto, 1), (b) => post(otlp, 'application/x-protobuf', b)),
    sequential(inputs(otlpJson, 2), (b) => post(otlp, 'application/json', b)),
    sequential(inputs(otlpProto, 3), (b) => post(otlp, 'application/x-protobuf', zlib.gzipSync(b).subarray(0, Math.max(10, b.length % 97)), 'gzip')),
    sequential(inputs(zipkinV2Json, 4), (b) => post(`${zipkin}/api/v2/spans`, 'application/json', b)),
    sequential(inputs(zipkinV2Proto, 5), (b) => post(`${zipkin}/api/v2/spans`, 'application/x-protobuf', b)),
    sequential(inputs(zipkinV1Json, 6), (b) => post(`${zipkin}/api/v1/spans`, 'application/json', b)),
    sequential(inputs(zipkinV1Thrift, 7), (b) => post(`${zipkin}/api/v1/spans`, 'application/x-thrift', b)),
    sequential(inputs(zipkinV2Json, 8), (b) => post(`${zipkin}/api/v2/spans`, 'application/json', zlib.deflateSync(b), 'deflate')),
    sequential(inputs(jaegerThriftHttp, 9), (b) => post(`http://127.0.0.1:${p.jaegerHttp}/api/traces`, 'application/x-thrift', b)),
    sequential(inputs(queryLegacy, 10), (qs) => get(`${w.queryUrl}/api/traces?${qs}`)),
    sequential(inputs(queryV3, 11), ({ qs, id }) => get(`${w.queryUrl}/api/v3/traces/${encodeURIComponent(id) || 'x'}?${qs}`)),
    sequential(inputs(queryV3, 12), ({ qs }) => get(`${w.queryUrl}/api/v3/traces?${qs}`)),
    sequential(inputs(queryV3Body, 13), (b) => post(`${w.queryUrl}/api/v3/traces`, 'application/json', b)),
    sequential(inputs(transform, 14), (b) => post(`${w.queryUrl}/api/transform`, 'application/json', b)),
    sequential(EDGE_QUERIES, (q) => get(`${w.queryUrl}${q}`)),
  ]);
  assertRefusedOrServed(answers.flat());
});

test('fuzzed messages on every gRPC port: a protocol status, never INTERNAL', async () => {
  const p = w.ports;
  const otlp = inputs(otlpProto, 21).map(async (b) => ['otlp Export', await grpcRaw(p.otlpGrpc, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', b, false)] as const);
  const jaeger = inputs(jaegerProto, 22).map(async (b) => ['jaeger PostSpans', await grpcRaw(p.jaegerGrpc, '/jaeger.api_v2.CollectorService/PostSpans', b, false)] as const);
  const query = inputs(grpcQuery, 23).map(async ({ api, method, bytes }) => {
    const stream = ['FindTraces', 'FindTraceSummaries', 'GetTrace'].includes(method);
    return [`${api} ${method}`, await grpcRaw(p.queryGrpc, `/jaeger.api_${api}.QueryService/${method}`, bytes, stream)] as const;
  });
  for (const [what, code] of await Promise.all([...otlp, ...jaeger, ...query])) {
    assert.ok(!SERVER_FAULTS.has(code), `${what} answered gRPC status ${grpc.status[code]}`);
  }
});

test('fuzzed datagrams on both agent ports, then the process is healthy and a valid request works', async () => {
  const socket = dgram.createSocket('udp4');
  const send = (port: number, b: Uint8Array) => new Promise<void>((resolve) => socket.send(b, port, '127.0.0.1', () => resolve()));
  for (const b of inputs(jaegerAgentCompact, 31)) await send(w.ports.jaegerCompact, b);
  for (const b of inputs(jaegerAgentBinary, 32)) await send(w.ports.jaegerBinary, b);
  socket.close();

  assert.equal(w.process.exitCode, null, w.output());
  assert.equal((await fetch(`${w.adminUrl}/health`)).status, 200);
  const traceId = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const valid = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'after-fuzz' } }] }, scopeSpans: [{ spans: [{ traceId, spanId: '0102030405060708', name: 'still-serving', startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000100000000' }] }] }] };
  const res = await post(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, 'application/json', Buffer.from(JSON.stringify(valid)));
  assert.equal(res.status, 200, res.body);
  const trace = await waitForTrace(w.queryUrl, traceId, 1, 60_000);
  assert.equal(trace.spans[0]!.operationName, 'still-serving');
});
