import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, type Span } from '../../model/span.ts';
import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import { ClockSkewAdjuster } from './clock-skew.ts';
import { DedupeSpansAdjuster } from './dedupe-spans.ts';
import { standardAdjusters } from './index.ts';
import { SharedSpanIdAdjuster } from './shared-span-id.ts';
import { SortSpansAdjuster } from './sort-spans.ts';

const TRACE = '000000000000000000000000000000aa';
const hostA = makeResource([{ key: 'service.name', value: 'a' }, { key: 'host.ip', value: '10.0.0.1' }]);
const hostB = makeResource([{ key: 'service.name', value: 'b' }, { key: 'host.ip', value: '10.0.0.2' }]);

function s(spanId: string, start: bigint, end: bigint, fields: Partial<Span> = {}): Span {
  return makeSpan({ traceId: TRACE, spanId, name: 'op', startTimeUnixNano: start, endTimeUnixNano: end, resource: hostA, ...fields });
}

test('dedupe drops an identical copy and keeps spans that only share the ID', () => {
  const a = s('0000000000000001', 10n, 20n);
  const copy = { ...a, attributes: [...a.attributes] };
  const differs = s('0000000000000001', 10n, 20n, { kind: SpanKind.SERVER });
  const out = new DedupeSpansAdjuster().adjust([a, copy, differs]);
  assert.deepEqual(out, [a, differs]);
});

test('shared span ID: the server span gets a new ID, the client becomes its parent, children follow', () => {
  const root = s('0000000000000001', 0n, 100n);
  const client = s('0000000000000005', 10n, 90n, { kind: SpanKind.CLIENT, parentSpanId: '0000000000000001' });
  const server = s('0000000000000005', 20n, 80n, { kind: SpanKind.SERVER, parentSpanId: '0000000000000001', resource: hostB });
  const child = s('0000000000000007', 30n, 40n, { parentSpanId: '0000000000000005', resource: hostB });
  const out = new SharedSpanIdAdjuster().adjust([root, client, server, child]);
  assert.deepEqual(out.map((x) => [x.spanId, x.parentSpanId]), [
    ['0000000000000001', ''],
    ['0000000000000005', '0000000000000001'],
    ['0000000000000008', '0000000000000005'],
    ['0000000000000007', '0000000000000008'],
  ]);
  assert.equal(server.spanId, '0000000000000005', 'the stored span is not changed');
  // Deterministic: the same input gives the same IDs.
  assert.deepEqual(new SharedSpanIdAdjuster().adjust([root, client, server, child]), out);
});

test('a SERVER span sharing an ID with nothing keeps it', () => {
  const spans = [s('0000000000000001', 0n, 10n, { kind: SpanKind.SERVER })];
  assert.equal(new SharedSpanIdAdjuster().adjust(spans), spans);
});

test('sort orders by start time, then span ID', () => {
  const out = new SortSpansAdjuster().adjust([s('0000000000000003', 30n, 40n), s('0000000000000002', 10n, 20n), s('0000000000000001', 10n, 20n)]);
  assert.deepEqual(out.map((x) => x.spanId), ['0000000000000001', '0000000000000002', '0000000000000003']);
});

test('clock skew: a child on another host starting before its parent is centred in it, with a warning', () => {
  const parent = s('0000000000000001', 1_000_000n, 2_000_000n);
  const child = s('0000000000000002', 500_000n, 700_000n, {
    parentSpanId: '0000000000000001',
    resource: hostB,
    events: [{ timeUnixNano: 600_000n, name: 'e', attributes: [], droppedAttributesCount: 0 }],
  });
  const grandchild = s('0000000000000003', 550_000n, 650_000n, { parentSpanId: '0000000000000002', resource: hostB });
  const out: SpanWithWarnings[] = new ClockSkewAdjuster(10_000_000n).adjust([parent, child, grandchild]);
  // latency = (1ms - 0.2ms) / 2 = 0.4ms: the child starts at 1.4ms; shift = +0.9ms.
  assert.equal(out[1]!.startTimeUnixNano, 1_400_000n);
  assert.equal(out[1]!.endTimeUnixNano, 1_600_000n);
  assert.equal(out[1]!.events[0]!.timeUnixNano, 1_500_000n);
  assert.deepEqual(out[1]!.warnings, ["This span's timestamps were adjusted by 900µs"]);
  assert.equal(out[2]!.startTimeUnixNano, 1_450_000n, 'descendants on the same host move with it');
  assert.equal(out[0], parent);
});

test('clock skew: same host, or a shift beyond the maximum, changes nothing (the latter warns)', () => {
  const parent = s('0000000000000001', 1_000_000n, 2_000_000n);
  const sameHost = s('0000000000000002', 500_000n, 700_000n, { parentSpanId: '0000000000000001' });
  assert.deepEqual(new ClockSkewAdjuster(10_000_000n).adjust([parent, sameHost]), [parent, sameHost]);
  const otherHost = { ...sameHost, resource: hostB };
  const out: SpanWithWarnings[] = new ClockSkewAdjuster(100_000n).adjust([parent, otherHost]);
  assert.equal(out[1]!.startTimeUnixNano, 500_000n);
  assert.deepEqual(out[1]!.warnings, ['max clock skew adjustment delta of 100µs exceeded; not applying calculated delta of 900µs']);
});

test('the standard sequence leaves clock skew off unless a maximum is given', () => {
  const parent = s('0000000000000001', 1_000_000n, 2_000_000n);
  const child = s('0000000000000002', 500_000n, 700_000n, { parentSpanId: '0000000000000001', resource: hostB });
  const off = standardAdjusters(0n).adjust([parent, child, { ...child }]);
  assert.deepEqual(off.map((x) => [x.spanId, x.startTimeUnixNano]), [['0000000000000002', 500_000n], ['0000000000000001', 1_000_000n]]);
  const on: SpanWithWarnings[] = standardAdjusters(1_000_000_000n).adjust([parent, child]);
  assert.equal(on.find((x) => x.spanId === '0000000000000002')!.startTimeUnixNano, 1_400_000n);
});
