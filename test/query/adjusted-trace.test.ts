import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind } from '../../src/model/span.ts';
import { getJson, minutesAgo, span, startQuery, type QueryUnderTest } from './support.ts';

/** The adjusters as the HTTP API applies them: on by default, skipped with raw=true, clock skew behind a flag. */
const T = 'dd000000000000000000000000000001';
const start = minutesAgo(5);
const spans = [
  span({ trace: T, span: '0000000000000001', service: 'web', name: 'root', start, durationNs: 10_000_000n, resourceAttrs: [{ key: 'host.ip', value: '10.0.0.1' }] }),
  // Zipkin shared span: client on web, server on api, same ID.
  span({ trace: T, span: '0000000000000002', parent: '0000000000000001', service: 'web', name: 'call', start: start + 1_000_000n, durationNs: 8_000_000n,
    resourceAttrs: [{ key: 'host.ip', value: '10.0.0.1' }], extra: { kind: SpanKind.CLIENT } }),
  // The api host's clock is 1 s behind.
  span({ trace: T, span: '0000000000000002', parent: '0000000000000001', service: 'api', name: 'call', start: start + 2_000_000n - 1_000_000_000n, durationNs: 6_000_000n,
    resourceAttrs: [{ key: 'host.ip', value: '10.0.0.2' }], extra: { kind: SpanKind.SERVER } }),
];
const retried = { ...spans[0]! };
let plain: QueryUnderTest;
let skew: QueryUnderTest;

before(async () => {
  plain = await startQuery([...spans, retried]);
  skew = await startQuery([...spans], { flags: { 'query.maxClockSkewAdjust': '5s' } });
});
after(async () => {
  await plain.stop();
  await skew.stop();
});

test('by default: retried copy dropped, shared ID split, sorted, no clock-skew change', async () => {
  const { body } = await getJson(`${plain.url}/api/traces/${T}`);
  const s = body.data[0].spans;
  assert.equal(s.length, 3);
  const server = s.find((x: any) => x.tags.some((t: any) => t.key === 'span.kind' && t.value === 'server'));
  assert.equal(server.spanID, '0000000000000003');
  assert.deepEqual(server.references, [{ refType: 'CHILD_OF', traceID: T, spanID: '0000000000000002' }]);
  assert.equal(server.warnings, null);
  assert.deepEqual(s.map((x: any) => x.startTime), [...s.map((x: any) => x.startTime)].sort((a: number, b: number) => a - b));
});

test('raw=true returns the spans as stored', async () => {
  const { body } = await getJson(`${plain.url}/api/traces/${T}?raw=true`);
  assert.equal(body.data[0].spans.length, 4);
  assert.deepEqual(body.data[0].spans.map((x: any) => x.spanID).sort(), ['0000000000000001', '0000000000000001', '0000000000000002', '0000000000000002']);
});

test('--max-clock-skew-adjust turns clock-skew adjustment on, with a warning on the span', async () => {
  const { body } = await getJson(`${skew.url}/api/traces/${T}`);
  const server = body.data[0].spans.find((x: any) => x.spanID === '0000000000000003');
  // Centred in its parent (the client: 8 ms): starts 1 ms after it.
  assert.equal(server.startTime, Number((start + 2_000_000n) / 1000n));
  assert.equal(server.warnings.length, 1);
  assert.match(server.warnings[0], /^This span's timestamps were adjusted by 1s$/);
});
