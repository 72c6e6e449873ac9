import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind } from '../../src/model/span.ts';
import { spansToOtlpJson } from '../../src/protocols/otlp/index.ts';
import { getJson, span, startQuery, type QueryUnderTest } from './support.ts';

const T1 = 'ab000000000000000000000000000001';
const T2 = 'ab000000000000000000000000000002';
let q: QueryUnderTest;

before(async () => {
  q = await startQuery([
    span({ trace: T1, span: '0000000000000001', service: 'frontend', name: 'GET /', extra: { kind: SpanKind.SERVER } }),
    span({ trace: T1, span: '0000000000000002', parent: '0000000000000001', service: 'frontend', name: 'call backend', extra: { kind: SpanKind.CLIENT } }),
    span({ trace: T1, span: '0000000000000003', parent: '0000000000000002', service: 'backend', name: 'handle', extra: { kind: SpanKind.SERVER } }),
    span({ trace: T2, span: '0000000000000004', service: 'frontend', name: 'GET /', extra: { kind: SpanKind.CLIENT } }),
  ]);
});
after(() => q.stop());

test('GET /api/services lists services in the envelope with total', async () => {
  const { status, body } = await getJson(`${q.url}/api/services`);
  assert.equal(status, 200);
  assert.deepEqual(body, { data: ['backend', 'frontend'], total: 2, limit: 0, offset: 0, errors: null });
});

test('GET /api/services/{service}/operations lists unique names over all kinds', async () => {
  const { body } = await getJson(`${q.url}/api/services/frontend/operations`);
  assert.deepEqual(body, { data: ['GET /', 'call backend'], total: 2, limit: 0, offset: 0, errors: null });
  const none = await getJson(`${q.url}/api/services/nobody/operations`);
  assert.deepEqual(none.body.data, []);
});

test('GET /api/operations gives name and kind, filtered by spanKind', async () => {
  const all = await getJson(`${q.url}/api/operations?service=frontend`);
  const key = (o: { name: string; spanKind: string }) => `${o.name}/${o.spanKind}`;
  assert.deepEqual(all.body.data.map(key).sort(), ['GET //client', 'GET //server', 'call backend/client']);
  assert.equal(all.body.total, 3);
  const servers = await getJson(`${q.url}/api/operations?service=frontend&spanKind=server`);
  assert.deepEqual(servers.body.data, [{ name: 'GET /', spanKind: 'server' }]);
  const missing = await getJson(`${q.url}/api/operations`);
  assert.equal(missing.status, 400);
  assert.match(missing.body.errors[0].msg, /^service:/);
});

test('GET /api/dependencies counts calls between services in the window (ms)', async () => {
  const endTs = Date.now();
  const { body } = await getJson(`${q.url}/api/dependencies?endTs=${endTs}&lookback=3600000`);
  assert.deepEqual(body, { data: [{ parent: 'frontend', child: 'backend', callCount: 1 }], total: 0, limit: 0, offset: 0, errors: null });
  const before = await getJson(`${q.url}/api/dependencies?endTs=${endTs - 3_600_000}&lookback=60000`);
  assert.deepEqual(before.body.data, []);
  const bad = await getJson(`${q.url}/api/dependencies?endTs=soon`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0].msg, /^endTs:/);
});

test('metrics endpoints answer as Jaeger without a metrics store: 501', async () => {
  for (const path of ['latencies?service=frontend&quantile=0.95', 'calls?service=frontend', 'errors?service=frontend', 'minstep']) {
    const { status, body } = await getJson(`${q.url}/api/metrics/${path}`);
    assert.equal(status, 501);
    assert.deepEqual(body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 501, msg: 'metrics querying is currently disabled' }] });
  }
});

test('POST /api/archive/{id} answers as Jaeger without an archive store: 500', async () => {
  const res = await fetch(`${q.url}/api/archive/${T1}`, { method: 'POST', body: '[]' });
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 500, msg: 'archive span storage was not configured' }] });
});

test('POST /api/transform turns OTLP JSON into Jaeger trace JSON, one trace per ID', async () => {
  const spans = [
    span({ trace: T1, span: '0000000000000001', service: 'x', name: 'a', attrs: [{ key: 'big', value: 9223372036854775807n }] }),
    span({ trace: T2, span: '0000000000000002', service: 'x', name: 'b' }),
  ];
  const res = await fetch(`${q.url}/api/transform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  assert.equal(res.status, 200);
  const body: any = await res.json();
  assert.equal(body.errors, null);
  assert.deepEqual(body.data.map((t: { traceID: string }) => t.traceID), [T1, T2]);
  assert.deepEqual(body.data[0].spans[0].tags, [{ key: 'big', type: 'int64', value: '9223372036854775807' }]);
  const bad = await fetch(`${q.url}/api/transform`, { method: 'POST', body: '{"resourceSpans": 5' });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as any).errors[0].code, 400);
});

test('unknown API routes are 404 in the envelope', async () => {
  const { status, body } = await getJson(`${q.url}/api/nothing`);
  assert.equal(status, 404);
  assert.equal(body.errors[0].code, 404);
});

test('every request is timed into waymark_query_duration_seconds by api and route', async () => {
  await fetch(`${q.url}/api/services`);
  const text = await q.telemetry.metrics.registry.metrics();
  assert.match(text, /waymark_query_duration_seconds_count\{api="legacy",endpoint="\/api\/services"\} [1-9]/);
});
