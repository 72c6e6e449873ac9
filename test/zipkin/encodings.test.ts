import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { zipkinProtoType } from '../../src/protocols/zipkin/proto-schema.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { ADDRESS_MARKER, ANNOTATION_TYPE, encodeV1Thrift, ipv4, stringValue } from './v1-thrift-writer.ts';

type Body = NonNullable<Parameters<typeof fetch>[1]>['body'];

/** Every Zipkin encoding Waymark takes, end to end through the real process. */
let w: RunningWaymark;
let base: string;
const now = Date.now() * 1000;

before(async () => {
  w = await startWaymark();
  base = `http://127.0.0.1:${w.ports.zipkin}`;
});

after(async () => {
  await w?.stop();
});

async function post(path: string, type: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'Content-Type': type, ...headers }, body: body as Body });
}

interface JaegerSpan {
  spanID: string;
  operationName: string;
  startTime: number;
  duration: number;
  references: { spanID: string }[];
  tags: { key: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function getTrace(id: string): Promise<JaegerTrace> {
  const res = await fetch(`${w.queryUrl}/api/traces/${id}?raw=true`);
  assert.equal(res.status, 200, `trace ${id}`);
  return ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
}

const service = (t: JaegerTrace, s: JaegerSpan) => t.processes[s.processID]!.serviceName;
const tag = (s: JaegerSpan, key: string) => s.tags.find((x) => x.key === key)?.value;

test('v1 JSON with cs/sr/ss/cr splits into client and server spans', async () => {
  const client = { serviceName: 'web', ipv4: '10.0.0.1', port: 8080 };
  const server = { serviceName: 'users', ipv4: '10.0.0.2', port: 9000 };
  const res = await post('/api/v1/spans', 'application/json', JSON.stringify([
    {
      traceId: '1111111111111111',
      id: '2222222222222222',
      name: 'get /users',
      timestamp: now,
      duration: 500,
      annotations: [
        { timestamp: now, value: 'cs', endpoint: client },
        { timestamp: now + 100, value: 'sr', endpoint: server },
        { timestamp: now + 150, value: 'db query', endpoint: server },
        { timestamp: now + 400, value: 'ss', endpoint: server },
        { timestamp: now + 500, value: 'cr', endpoint: client },
      ],
      binaryAnnotations: [{ key: 'http.path', value: '/users', endpoint: server }],
    },
  ]));
  assert.equal(res.status, 202);
  const t = await getTrace('1111111111111111');
  assert.equal(t.spans.length, 2);
  const c = t.spans.find((s) => service(t, s) === 'web')!;
  const s = t.spans.find((s) => service(t, s) === 'users')!;
  assert.equal(tag(c, 'span.kind'), 'client');
  assert.equal(tag(s, 'span.kind'), 'server');
  assert.deepEqual([c.startTime, c.duration], [now, 500]);
  assert.deepEqual([s.startTime, s.duration], [now + 100, 300]);
  assert.equal(tag(s, 'http.path'), '/users');
  assert.ok(s.logs.some((l) => l.fields.some((f) => f.value === 'db query')));
});

test('v1 Thrift (TBinaryProtocol list<Span>) is accepted, gzip too', async () => {
  const web = { serviceName: 'legacy-web', ipv4: ipv4('10.1.0.1'), port: 8080 };
  const api = { serviceName: 'legacy-api', ipv4: ipv4('10.1.0.2'), port: 40000 };
  const body = encodeV1Thrift([
    {
      traceId: 0x3333333333333333n,
      id: 0x4444444444444444n,
      name: 'call',
      annotations: [
        { timestamp: BigInt(now), value: 'cs', host: web },
        { timestamp: BigInt(now + 900), value: 'cr', host: web },
      ],
      binaryAnnotations: [
        { key: 'sa', value: ADDRESS_MARKER, type: ANNOTATION_TYPE.BOOL, host: api },
        { key: 'http.method', value: stringValue('POST'), type: ANNOTATION_TYPE.STRING, host: web },
      ],
    },
  ]);
  const res = await post('/api/v1/spans', 'application/x-thrift', gzipSync(body), { 'Content-Encoding': 'gzip' });
  assert.equal(res.status, 202, await res.clone().text());
  const t = await getTrace('3333333333333333');
  const [s] = t.spans;
  assert.equal(t.spans.length, 1);
  assert.equal(s!.spanID, '4444444444444444');
  assert.equal(service(t, s!), 'legacy-web');
  assert.deepEqual([s!.startTime, s!.duration], [now, 900]);
  assert.equal(tag(s!, 'span.kind'), 'client');
  assert.equal(tag(s!, 'http.method'), 'POST');
  assert.equal(tag(s!, 'peer.service'), 'legacy-api');
  assert.equal(tag(s!, 'net.peer.ip'), '10.1.0.2');
  assert.equal(tag(s!, 'net.peer.port'), 40000);
});

test('v2 proto3 ListOfSpans is accepted', async () => {
  const t0 = zipkinProtoType('ListOfSpans');
  const body = t0.encode(t0.fromObject({
    spans: [
      {
        trace_id: Buffer.from('5555555555555555aaaaaaaaaaaaaaaa', 'hex'),
        id: Buffer.from('6666666666666666', 'hex'),
        parent_id: Buffer.from('7777777777777777', 'hex'),
        kind: 3,
        name: 'send order',
        timestamp: now,
        duration: 75,
        local_endpoint: { service_name: 'orders' },
        annotations: [{ timestamp: now + 10, value: 'ws' }],
        tags: { 'messaging.system': 'kafka' },
      },
    ],
  })).finish();
  const res = await post('/api/v2/spans', 'application/x-protobuf', body);
  assert.equal(res.status, 202);
  const t = await getTrace('5555555555555555aaaaaaaaaaaaaaaa');
  const s = t.spans[0]!;
  assert.equal(s.operationName, 'send order');
  assert.equal(service(t, s), 'orders');
  assert.equal(tag(s, 'span.kind'), 'producer');
  assert.equal(tag(s, 'messaging.system'), 'kafka');
  assert.deepEqual(s.references.map((r) => r.spanID), ['7777777777777777']);
  assert.deepEqual([s.startTime, s.duration], [now, 75]);
});

test('a 64-bit trace ID and the same ID zero-extended to 128 bits land in one trace', async () => {
  const span = (traceId: string, id: string, parentId?: string) => ({
    traceId,
    id,
    ...(parentId ? { parentId } : {}),
    name: `op-${id}`,
    timestamp: now,
    duration: 10,
    localEndpoint: { serviceName: 'mixed' },
  });
  assert.equal((await post('/api/v2/spans', 'application/json', JSON.stringify([span('8888888888888888', 'aaaaaaaaaaaaaaa1')]))).status, 202);
  assert.equal((await post('/api/v2/spans', 'application/json', JSON.stringify([span('00000000000000008888888888888888', 'aaaaaaaaaaaaaaa2', 'aaaaaaaaaaaaaaa1')]))).status, 202);
  const short = await getTrace('8888888888888888');
  const long = await getTrace('00000000000000008888888888888888');
  assert.deepEqual(short.spans.map((s) => s.spanID).sort(), ['aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2']);
  assert.deepEqual(long.spans.map((s) => s.spanID).sort(), ['aaaaaaaaaaaaaaa1', 'aaaaaaaaaaaaaaa2']);
});
