import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import { getJson, minutesAgo, span, startQuery, type QueryUnderTest } from './support.ts';

const T1 = '0000000000000000000000000000c0de';
const T2 = 'cd000000000000000000000000000002';
const t1Start = minutesAgo(10);
let q: QueryUnderTest;

before(async () => {
  q = await startQuery([
    span({ trace: T1, span: '0000000000000001', service: 'frontend', name: 'GET /', start: t1Start, durationNs: 9_000_000n, extra: { kind: SpanKind.SERVER } }),
    span({ trace: T1, span: '0000000000000002', parent: '0000000000000001', service: 'backend', name: 'db', start: t1Start + 1_000_000n, durationNs: 2_000_000n,
      extra: { status: { code: StatusCode.ERROR, message: '' } } }),
    span({ trace: T1, span: '0000000000000003', parent: '00000000000000ff', service: 'backend', name: 'late', start: t1Start + 3_000_000n, durationNs: 7_000_000n }),
    span({ trace: T2, span: '0000000000000004', service: 'payments', name: 'charge', start: minutesAgo(20), durationNs: 50_000_000n,
      attrs: [{ key: 'tier', value: 'gold' }] }),
  ]);
});
after(() => q.stop());

const iso = (minAgo: number) => new Date(Date.now() - minAgo * 60_000).toISOString();
const window = `query.start_time_min=${iso(60)}&query.start_time_max=${iso(0)}`;
const windowCamel = `query.startTimeMin=${iso(60)}&query.startTimeMax=${iso(0)}`;

function traceIdsOf(result: { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] }): string[] {
  return [...new Set(result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))))].sort();
}

test('GET /api/v3/services', async () => {
  const { status, body } = await getJson(`${q.url}/api/v3/services`);
  assert.equal(status, 200);
  assert.deepEqual(body, { services: ['backend', 'frontend', 'payments'] });
});

test('GET /api/v3/operations with and without spanKind', async () => {
  assert.deepEqual((await getJson(`${q.url}/api/v3/operations?service=frontend`)).body, { operations: [{ name: 'GET /', spanKind: 'server' }] });
  assert.deepEqual((await getJson(`${q.url}/api/v3/operations?service=frontend&spanKind=client`)).body, { operations: [] });
  const bad = await getJson(`${q.url}/api/v3/operations`);
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(bad.body.error), ['httpCode', 'message']);
});

test('GET /api/v3/traces/{id} answers OTLP JSON under result', async () => {
  const { status, body } = await getJson(`${q.url}/api/v3/traces/${T1}`);
  assert.equal(status, 200);
  const rs = body.result.resourceSpans;
  assert.ok(rs.every((r: any) => r.resource.attributes.some((a: any) => a.key === 'service.name')));
  const spans = rs.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans));
  assert.deepEqual(spans.map((s: any) => s.spanId).sort(), ['0000000000000001', '0000000000000002', '0000000000000003']);
  assert.equal(spans[0].traceId, T1, '32 hex in OTLP even for a 64-bit ID');
  assert.equal(typeof spans[0].startTimeUnixNano, 'string');
  const bounded = await getJson(`${q.url}/api/v3/traces/${T1}?start_time=${iso(60)}&end_time=${iso(0)}&raw_traces=true`);
  assert.equal(bounded.status, 200);
});

test('GET /api/v3/traces/{id} unknown: 404 error shape', async () => {
  const { status, body } = await getJson(`${q.url}/api/v3/traces/0000000000000000000000000000dead`);
  assert.equal(status, 404);
  assert.deepEqual(body, { error: { httpCode: 404, message: 'No traces found' } });
});

test('GET /api/v3/traces searches with snake_case and camelCase parameters', async () => {
  const snake = await getJson(`${q.url}/api/v3/traces?${window}&query.service_name=payments`);
  assert.equal(snake.status, 200);
  assert.deepEqual(traceIdsOf(snake.body.result), [T2]);
  const camel = await getJson(`${q.url}/api/v3/traces?${windowCamel}&query.serviceName=backend&query.operationName=db`);
  assert.deepEqual(traceIdsOf(camel.body.result), [T1]);
  const attrs = await getJson(`${q.url}/api/v3/traces?${window}&query.attributes=${encodeURIComponent('{"tier":"gold"}')}`);
  assert.deepEqual(traceIdsOf(attrs.body.result), [T2]);
  const dur = await getJson(`${q.url}/api/v3/traces?${window}&query.duration_min=40ms&query.search_depth=5`);
  assert.deepEqual(traceIdsOf(dur.body.result), [T2]);
  const all = await getJson(`${q.url}/api/v3/traces?${window}`);
  assert.deepEqual(traceIdsOf(all.body.result), [T1, T2].sort());
});

test('GET /api/v3/traces reads a zero duration bound as no bound, as Jaeger does', async () => {
  const all = await getJson(`${q.url}/api/v3/traces?${window}`);
  const zero = await getJson(`${q.url}/api/v3/traces?${window}&query.duration_min=0s&query.duration_max=0s`);
  assert.equal(zero.status, 200);
  assert.deepEqual(traceIdsOf(zero.body.result), traceIdsOf(all.body.result));
  assert.equal(traceIdsOf(zero.body.result).length, 2);
});

test('GET /api/v3/traces: no match is 404, a missing or malformed time is 400 naming it', async () => {
  const none = await getJson(`${q.url}/api/v3/traces?${window}&query.service_name=nobody`);
  assert.equal(none.status, 404);
  assert.deepEqual(none.body, { error: { httpCode: 404, message: 'No traces found' } });
  const missing = await getJson(`${q.url}/api/v3/traces?query.service_name=frontend`);
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /^query\.start_time_min:/);
  const bad = await getJson(`${q.url}/api/v3/traces?query.start_time_min=yesterday&query.start_time_max=${iso(0)}`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /^query\.start_time_min: "yesterday" is not an RFC 3339 time/);
});

test('GET /api/v3/trace-summaries: every field, decimal strings for nanos, 32-hex IDs', async () => {
  const { status, body } = await getJson(`${q.url}/api/v3/trace-summaries?${windowCamel}&query.searchDepth=20`);
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body), ['summaries']);
  const byId = new Map(body.summaries.map((s: any) => [s.traceId, s]));
  assert.deepEqual(byId.get(T1), {
    traceId: T1,
    rootServiceName: 'frontend',
    rootOperationName: 'GET /',
    minStartTimeUnixNano: t1Start.toString(),
    maxEndTimeUnixNano: (t1Start + 10_000_000n).toString(),
    spanCount: 3,
    errorSpanCount: 1,
    orphanSpanCount: 1,
    services: [
      { name: 'backend', spanCount: 2, errorSpanCount: 1 },
      { name: 'frontend', spanCount: 1, errorSpanCount: 0 },
    ],
  });
  for (const s of body.summaries) {
    assert.match(s.traceId, /^[0-9a-f]{32}$/);
    assert.match(s.minStartTimeUnixNano, /^\d+$/);
  }
  const narrowed = await getJson(`${q.url}/api/v3/trace-summaries?${windowCamel}&query.serviceName=payments&query.durationMin=10ms&query.attributes=${encodeURIComponent('{"tier":"gold"}')}`);
  assert.deepEqual(narrowed.body.summaries.map((s: any) => s.traceId), [T2]);
  const empty = await getJson(`${q.url}/api/v3/trace-summaries?${windowCamel}&query.serviceName=nobody`);
  assert.deepEqual(empty.body, { summaries: [] });
});

test('POST /api/v3/traces and /api/v3/trace-summaries take the query as a JSON body', async () => {
  const body = JSON.stringify({ query: { service_name: 'payments', startTimeMin: iso(60), start_time_max: iso(0), attributes: { tier: 'gold' } } });
  const traces = await fetch(`${q.url}/api/v3/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  assert.equal(traces.status, 200);
  assert.deepEqual(traceIdsOf(((await traces.json()) as any).result), [T2]);
  const summaries = await fetch(`${q.url}/api/v3/trace-summaries`, { method: 'POST', body });
  assert.deepEqual(((await summaries.json()) as any).summaries.map((s: any) => s.traceId), [T2]);
  const bad = await fetch(`${q.url}/api/v3/traces`, { method: 'POST', body: '{"query": 3}' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as any).error.message, /^query:/);
});

test('GET /api/v3/dependencies with an RFC 3339 window; call counts as uint64 strings', async () => {
  const { status, body } = await getJson(`${q.url}/api/v3/dependencies?start_time=${iso(60)}&end_time=${iso(0)}`);
  assert.equal(status, 200);
  assert.deepEqual(body, { dependencies: [{ parent: 'frontend', child: 'backend', callCount: '1' }] });
  const missing = await getJson(`${q.url}/api/v3/dependencies?start_time=${iso(60)}`);
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /^end_time:/);
});

test('query.start_time_max is exclusive, as the api_v3 IDL says', async () => {
  const exact = new Date(Number(t1Start / 1_000_000n)).toISOString();
  const atStart = `query.start_time_min=${iso(60)}&query.start_time_max=${exact.replace('Z', '')}${(t1Start % 1_000_000n).toString().padStart(6, '0')}Z`;
  const { body } = await getJson(`${q.url}/api/v3/trace-summaries?${atStart}&query.service_name=frontend`);
  assert.deepEqual(body.summaries, []);
});
