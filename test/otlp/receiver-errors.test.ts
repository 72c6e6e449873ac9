import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { EXPORT_REQUEST, EXPORT_RESPONSE, otlpType, RPC_STATUS } from '../../src/protocols/otlp/index.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { fetchV3Trace, metric } from './support.ts';

// Bad input over OTLP: each refusal answers the protocol's error, is counted
// in /metrics, and the process keeps serving.
const MAX_BYTES = 64 * 1024;
let w: RunningWaymark;
let url: string;
before(async () => {
  w = await startWaymark({ args: ['--max-request-bytes', String(MAX_BYTES), '--max-attribute-length', '100'] });
  url = `http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`;
});
after(async () => {
  await w?.stop();
});

let traceSeq = 0x100;
function validRequest(extraAttrs: { key: string; value: unknown }[] = [], traceId?: Buffer): { body: Uint8Array; traceHex: string } {
  const tid = traceId ?? Buffer.from((traceSeq++).toString(16).padStart(32, '0'), 'hex');
  const type = otlpType(EXPORT_REQUEST);
  const body = type
    .encode(
      type.fromObject({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'errors-test' } }] },
            scopeSpans: [{ spans: [{ traceId: tid, spanId: Buffer.alloc(8, 7), name: 'ok', startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: extraAttrs }] }],
          },
        ],
      }),
    )
    .finish();
  return { body, traceHex: tid.toString('hex') };
}

async function post(body: Uint8Array | string, contentType = 'application/x-protobuf', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

async function assertStillServes(): Promise<void> {
  const { body, traceHex } = validRequest();
  const res = await post(body);
  assert.equal(res.status, 200);
  await fetchV3Trace(w, traceHex);
}

function rpcStatus(buf: ArrayBuffer): { code: number; message: string } {
  return otlpType(RPC_STATUS).toObject(otlpType(RPC_STATUS).decode(new Uint8Array(buf))) as { code: number; message: string };
}

async function refusedRequests(reason: string, receiver = 'otlp_http'): Promise<number> {
  return metric(w, 'waymark_receiver_refused_requests_total', { receiver, reason });
}

test('a garbage protobuf body is 400 with a google.rpc.Status naming the problem', async () => {
  const before = await refusedRequests('invalid');
  const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  const status = rpcStatus(await res.arrayBuffer());
  assert.equal(status.code, 3);
  assert.match(status.message, /malformed OTLP protobuf: length \d+ exceeds/);
  assert.equal(await refusedRequests('invalid'), before + 1);
  await assertStillServes();
});

test('a truncated protobuf request is 400', async () => {
  const before = await refusedRequests('invalid');
  const { body } = validRequest();
  const res = await post(body.subarray(0, body.length - 5));
  assert.equal(res.status, 400);
  assert.match(rpcStatus(await res.arrayBuffer()).message, /malformed OTLP protobuf/);
  assert.equal(await refusedRequests('invalid'), before + 1);
  await assertStillServes();
});

test('garbage JSON is 400 with a JSON Status body', async () => {
  const before = await refusedRequests('invalid');
  const res = await post('{"resourceSpans": [nope', 'application/json');
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/json');
  const body = (await res.json()) as { code: number; message: string };
  assert.equal(body.code, 3);
  assert.match(body.message, /malformed OTLP JSON/);
  assert.equal(await refusedRequests('invalid'), before + 1);
  await assertStillServes();
});

test('an unsupported content type is 415, a wrong method 405, another path 404', async () => {
  const b415 = await refusedRequests('unsupported_media_type');
  const r415 = await post('hello', 'text/plain');
  assert.equal(r415.status, 415);
  assert.match(((await r415.json()) as { message: string }).message, /unsupported Content-Type "text\/plain"/);
  assert.equal(await refusedRequests('unsupported_media_type'), b415 + 1);
  const r405 = await fetch(url);
  assert.equal(r405.status, 405);
  assert.equal(r405.headers.get('allow'), 'POST');
  const r404 = await fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/metrics`, { method: 'POST', body: 'x' });
  assert.equal(r404.status, 404);
  await assertStillServes();
});

test('an oversized body is 413', async () => {
  const before = await refusedRequests('too_large');
  const res = await post(Buffer.alloc(MAX_BYTES + 1));
  assert.equal(res.status, 413);
  assert.match(rpcStatus(await res.arrayBuffer()).message, /exceeds the limit of 65536 bytes/);
  assert.equal(await refusedRequests('too_large'), before + 1);
  await assertStillServes();
});

test('a gzip bomb (a few KB inflating past the limit) is 413, not inflated', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
  assert.ok(bomb.length < 100 * 1024);
  const before = await refusedRequests('too_large');
  const res = await post(bomb, 'application/x-protobuf', { 'content-encoding': 'gzip' });
  assert.equal(res.status, 413);
  assert.match(rpcStatus(await res.arrayBuffer()).message, /decompressed gzip body exceeds/);
  assert.equal(await refusedRequests('too_large'), before + 1);
  await assertStillServes();
});

test('a gzip-compressed request is accepted', async () => {
  const { body, traceHex } = validRequest();
  const res = await post(zlib.gzipSync(body), 'application/x-protobuf', { 'content-encoding': 'gzip' });
  assert.equal(res.status, 200);
  await fetchV3Trace(w, traceHex);
});

test('all-zero and wrong-length IDs are rejected per span with partial_success; the valid span is stored', async () => {
  const type = otlpType(EXPORT_REQUEST);
  const good = (traceSeq++).toString(16).padStart(32, '0');
  const body = type
    .encode(
      type.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: Buffer.from(good, 'hex'), spanId: Buffer.alloc(8, 1), name: 'good' },
                  { traceId: Buffer.alloc(16), spanId: Buffer.alloc(8, 1), name: 'zero-trace' },
                  { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(5, 1), name: 'short-span' },
                ],
              },
            ],
          },
        ],
      }),
    )
    .finish();
  const before = await metric(w, 'waymark_receiver_refused_spans_total', { receiver: 'otlp_http', reason: 'invalid_id' });
  const res = await post(body);
  assert.equal(res.status, 200);
  const reply = otlpType(EXPORT_RESPONSE).toObject(otlpType(EXPORT_RESPONSE).decode(new Uint8Array(await res.arrayBuffer())), { longs: Number }) as {
    partialSuccess: { rejectedSpans: number; errorMessage: string };
  };
  assert.equal(reply.partialSuccess.rejectedSpans, 2);
  assert.match(reply.partialSuccess.errorMessage, /spans\[1\]: invalid trace ID: all zeros/);
  assert.match(reply.partialSuccess.errorMessage, /spans\[2\]: invalid span ID: 5 bytes, expected 8/);
  assert.equal(await metric(w, 'waymark_receiver_refused_spans_total', { receiver: 'otlp_http', reason: 'invalid_id' }), before + 2);
  const stored = await fetchV3Trace(w, good);
  assert.equal(stored.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name, 'good');
  await assertStillServes();
});

test('JSON partial success is answered in JSON', async () => {
  const text = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '', spanId: '0102030405060708', name: 'no-trace' }] }] }] });
  const res = await post(text, 'application/json');
  assert.equal(res.status, 200);
  const body = (await res.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(body.partialSuccess.rejectedSpans, '1');
  assert.match(body.partialSuccess.errorMessage, /invalid trace ID/);
});

test('attribute values over --max-attribute-length are truncated and counted', async () => {
  const before = await metric(w, 'waymark_receiver_truncated_attributes_total', { receiver: 'otlp_http' });
  const { body, traceHex } = validRequest([
    { key: 'huge', value: { stringValue: 'x'.repeat(5000) } },
    { key: 'small', value: { stringValue: 'fine' } },
  ]);
  assert.equal((await post(body)).status, 200);
  const span = (await fetchV3Trace(w, traceHex)).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.deepEqual(span.attributes.find((a) => a.key === 'huge')?.value, { stringValue: 'x'.repeat(100) });
  assert.deepEqual(span.attributes.find((a) => a.key === 'small')?.value, { stringValue: 'fine' });
  assert.equal(await metric(w, 'waymark_receiver_truncated_attributes_total', { receiver: 'otlp_http' }), before + 1);
});

function grpcExport(body: Uint8Array): Promise<Buffer> {
  const client = new grpc.Client(`127.0.0.1:${w.ports.otlpGrpc}`, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) =>
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      body,
      (err, value) => (err ? reject(err) : resolve(value!)),
    ),
  ).finally(() => client.close());
}

test('gRPC: a malformed request is INVALID_ARGUMENT naming the problem, counted; the server keeps serving', async () => {
  const before = await refusedRequests('malformed', 'otlp_grpc');
  await assert.rejects(grpcExport(Buffer.from([0x0a, 0x05, 0x01])), (err: grpc.ServiceError) => {
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /malformed OTLP protobuf: length 5 exceeds/);
    return true;
  });
  assert.equal(await refusedRequests('malformed', 'otlp_grpc'), before + 1);
  const { body, traceHex } = validRequest();
  assert.equal((await grpcExport(body)).length, 0);
  await fetchV3Trace(w, traceHex);
});

test('gRPC: a message over --max-request-bytes is refused with RESOURCE_EXHAUSTED', async () => {
  const { body } = validRequest([{ key: 'big', value: { bytesValue: Buffer.alloc(MAX_BYTES + 10) } }]);
  await assert.rejects(grpcExport(body), (err: grpc.ServiceError) => err.code === grpc.status.RESOURCE_EXHAUSTED);
  await assertStillServes();
});

test('gRPC: invalid IDs come back as partial_success', async () => {
  const { body } = validRequest([], Buffer.alloc(16));
  const reply = await grpcExport(body);
  const o = otlpType(EXPORT_RESPONSE).toObject(otlpType(EXPORT_RESPONSE).decode(reply), { longs: Number }) as { partialSuccess: { rejectedSpans: number } };
  assert.equal(o.partialSuccess.rejectedSpans, 1);
  assert.equal(await metric(w, 'waymark_receiver_refused_spans_total', { receiver: 'otlp_grpc', reason: 'invalid_id' }), 1);
});
