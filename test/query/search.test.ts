import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind, StatusCode } from '../../src/model/span.ts';
import { getJson, minutesAgo, span, startQuery, type QueryUnderTest } from './support.ts';

/** Search semantics of GET /api/traces: each case names the trace IDs it must find. */

const T = (n: number) => 'f0' + String(n).padStart(30, '0');
const [T1, T2, T3, T4, T5, T6, T7, T8] = [1, 2, 3, 4, 5, 6, 7, 8].map(T) as [string, string, string, string, string, string, string, string];
const MS = 1_000_000n;
const threeDaysAgo = minutesAgo(3 * 24 * 60);
let q: QueryUnderTest;

before(async () => {
  q = await startQuery([
    span({ trace: T1, span: '0000000000000011', service: 'frontend', name: 'GET /home', start: minutesAgo(10), durationNs: 5n * MS,
      attrs: [{ key: 'http.status_code', value: 200n }], extra: { kind: SpanKind.SERVER } }),
    span({ trace: T1, span: '0000000000000012', parent: '0000000000000011', service: 'backend', name: 'query', start: minutesAgo(10), durationNs: 2n * MS,
      attrs: [{ key: 'db.system', value: 'postgres' }], extra: { kind: SpanKind.CLIENT } }),
    span({ trace: T2, span: '0000000000000021', service: 'frontend', name: 'GET /cart', start: minutesAgo(20), durationNs: 150n * MS,
      attrs: [{ key: 'http.status_code', value: 500n }], resourceAttrs: [{ key: 'region', value: 'eu' }],
      extra: { status: { code: StatusCode.ERROR, message: 'failed' } } }),
    span({ trace: T3, span: '0000000000000031', service: 'backend', name: 'query', start: minutesAgo(30), durationNs: 1500n * MS,
      resourceAttrs: [{ key: 'region', value: 'us' }],
      extra: { events: [{ timeUnixNano: minutesAgo(30), name: 'retry', attributes: [{ key: 'attempt', value: 2n }], droppedAttributesCount: 0 }] } }),
    span({ trace: T4, span: '0000000000000041', service: 'frontend', name: 'GET /home', start: threeDaysAgo, durationNs: 5n * MS }),
    span({ trace: T5, span: '0000000000000051', service: 'payments', name: 'charge', start: minutesAgo(40), durationNs: 120_000n * MS,
      attrs: [{ key: 'customer', value: 'vip' }] }),
    span({ trace: T6, span: '0000000000000061', service: 'payments', name: 'charge', start: minutesAgo(50), durationNs: 7_200_000n * MS,
      attrs: [{ key: 'customer', value: 'regular' }] }),
    span({ trace: T7, span: '0000000000000071', service: 'frontend', name: 'GET /home', start: minutesAgo(5), durationNs: 800n }),
    span({ trace: T8, span: '0000000000000081', service: 'frontend', name: 'GET /api', start: minutesAgo(15), durationNs: 50_000n }),
  ]);
});
after(() => q.stop());

async function search(query: string): Promise<string[]> {
  const { status, body } = await getJson(`${q.url}/api/traces?${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.errors, null);
  return body.data.map((t: { traceID: string }) => t.traceID);
}

async function expectTraces(query: string, expected: string[]): Promise<void> {
  assert.deepEqual((await search(query)).sort(), [...expected].sort(), query);
}

const enc = encodeURIComponent;

test('service', () => expectTraces('service=payments', [T5, T6]));
test('service and operation', () => expectTraces(`service=frontend&operation=${enc('GET /home')}`, [T1, T7]));
test('tags as JSON (an int attribute matches its text)', () => expectTraces(`tags=${enc('{"http.status_code":"200"}')}`, [T1]));
test('tags as JSON with several pairs, all on one span', () => expectTraces(`tags=${enc('{"http.status_code":"500","error":"true"}')}`, [T2]));
test('repeated tag=key:value', () => expectTraces('tag=http.status_code:500&tag=error:true', [T2]));
test('tag=key:value whose value contains a colon', async () => {
  await expectTraces(`tag=${enc('customer:vip:gold')}`, []);
  await expectTraces(`tag=${enc('customer:vip')}`, [T5]);
});
test('span attribute', () => expectTraces('tag=db.system:postgres', [T1]));
test('resource (process) attribute', () => expectTraces('tag=region:eu', [T2]));
test('event attribute and event name', async () => {
  await expectTraces('tag=attempt:2', [T3]);
  await expectTraces('tag=event:retry', [T3]);
});
test('error=true from an error status', () => expectTraces('tags={"error":"true"}', [T2]));
test('every condition must hold on one span', async () => {
  // db.system is on the backend span of T1, not on its frontend span.
  await expectTraces(`service=frontend&tags=${enc('{"db.system":"postgres"}')}`, []);
  await expectTraces(`service=backend&tags=${enc('{"db.system":"postgres"}')}`, [T1]);
});
test('minDuration/maxDuration in ns', () => expectTraces('minDuration=500ns&maxDuration=900ns', [T7]));
test('minDuration/maxDuration in us (Kiali)', () => expectTraces('minDuration=40us&maxDuration=60us', [T8]));
test('minDuration/maxDuration in µs', () => expectTraces(`minDuration=${enc('40µs')}&maxDuration=${enc('60µs')}`, [T8]));
test('minDuration/maxDuration in ms', () => expectTraces('minDuration=100ms&maxDuration=200ms', [T2]));
test('minDuration/maxDuration in s (fractions too)', () => expectTraces('minDuration=1s&maxDuration=1.6s', [T3]));
test('minDuration/maxDuration in m', () => expectTraces('minDuration=1m&maxDuration=3m', [T5]));
test('minDuration in h', () => expectTraces('minDuration=1h', [T6]));
test('maxDuration alone, compound duration', () => expectTraces('service=payments&maxDuration=1h30m', [T5]));
test('the default window is the last 2 days', () => expectTraces(`operation=${enc('GET /home')}`, [T1, T7]));
test('start/end in microseconds select a window', () => {
  const us = threeDaysAgo / 1000n;
  return expectTraces(`start=${us - 60_000_000n}&end=${us + 60_000_000n}`, [T4]);
});
test('limit keeps the most recent traces', async () => {
  assert.deepEqual(await search('service=frontend&limit=2'), [T7, T1]);
});
test('several traceID parameters return those traces', () => expectTraces(`traceID=${T1}&traceID=${T3}`, [T1, T3]));
test('a traceID not found is listed in errors, the others returned', async () => {
  const missing = 'f0000000000000000000000000000099';
  const { status, body } = await getJson(`${q.url}/api/traces?traceID=${T2}&traceID=${missing}`);
  assert.equal(status, 200);
  assert.deepEqual(body.data.map((t: { traceID: string }) => t.traceID), [T2]);
  assert.deepEqual(body.errors, [{ code: 404, msg: 'trace not found', traceID: missing }]);
});
test('no service: every trace in the window', () => expectTraces('', [T1, T2, T3, T5, T6, T7, T8]));
test('no service, by operation alone', () => expectTraces('operation=query', [T1, T3]));
test('not equals: tag=key!=value', () => expectTraces('service=payments&tag=customer!=vip', [T6]));
test('not equals holds where the tag is absent', () => expectTraces('service=frontend&tag=error!=true', [T1, T7, T8]));
test('exists: tag=key', () => expectTraces('tag=customer', [T5, T6]));
test('spanKind (Waymark extension)', () => expectTraces('spanKind=client', [T1]));
test('lookback is ignored', () => expectTraces('service=payments&lookback=1h', [T5, T6]));

for (const [param, query] of [
  ['minDuration', 'minDuration=fast'],
  ['maxDuration', 'maxDuration=10'],
  ['maxDuration', 'minDuration=2s&maxDuration=1s'],
  ['limit', 'limit=-1'],
  ['tags', 'tags=%7Bnot-json'],
  ['tags', `tags=${enc('["a"]')}`],
  ['tag', 'tag=:v'],
  ['start', 'start=yesterday'],
  ['start', 'start=2000000000000000&end=1000000000000000'],
  ['traceID', 'traceID=nothex'],
  ['spanKind', 'spanKind=sideways'],
] as const) {
  test(`invalid ${param} is a 400 envelope naming it (${query})`, async () => {
    const { status, body } = await getJson(`${q.url}/api/traces?${query}`);
    assert.equal(status, 400);
    assert.equal(body.data, null);
    assert.equal(body.errors[0].code, 400);
    assert.ok(body.errors[0].msg.startsWith(`${param}:`), body.errors[0].msg);
  });
}
