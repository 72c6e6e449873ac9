import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideSampling, extractContext, injectContext, newRequestId } from './trace-context.ts';

test('B3 single header wins over multi headers and traceparent, 64-bit IDs widen to 128', () => {
  const ctx = extractContext({ b3: 'a3ce929d0e0e4736-00f067aa0ba902b7-0', 'x-b3-traceid': '1'.repeat(32), 'x-b3-spanid': '2'.repeat(16), traceparent: `00-${'3'.repeat(32)}-${'4'.repeat(16)}-01` });
  assert.deepEqual(ctx, { traceId: '0000000000000000a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: false, traceState: '' });
});

test('multi headers: x-b3-sampled decides, x-b3-flags forces; absent leaves the decision to us', () => {
  const base = { 'x-b3-traceid': 'a'.repeat(32), 'x-b3-spanid': 'b'.repeat(16) };
  assert.equal(extractContext({ ...base, 'x-b3-sampled': '1' }).sampled, true);
  assert.equal(extractContext({ ...base, 'x-b3-sampled': '0' }).sampled, false);
  assert.equal(extractContext({ ...base, 'x-b3-sampled': '0', 'x-b3-flags': '1' }).sampled, true);
  assert.equal(extractContext(base).sampled, undefined);
  // A decision without IDs (a client asking for a trace) still counts.
  assert.deepEqual(extractContext({ 'x-b3-sampled': '1' }), { traceId: '', parentSpanId: '', sampled: true, traceState: '' });
});

test('traceparent alone: its IDs and sampled flag; malformed or all-zero ignored', () => {
  assert.deepEqual(extractContext({ traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-00`, tracestate: 'k=v' }), { traceId: 'c'.repeat(32), parentSpanId: 'd'.repeat(16), sampled: false, traceState: 'k=v' });
  assert.equal(extractContext({ traceparent: `00-${'0'.repeat(32)}-${'d'.repeat(16)}-01` }).traceId, '');
  assert.equal(extractContext({ traceparent: 'garbage' }).traceId, '');
  assert.equal(extractContext({ 'x-b3-traceid': 'xyz', 'x-b3-spanid': 'b'.repeat(16) }).traceId, '');
});

test('inject replaces every trace header with ours, in B3 and W3C', () => {
  const out: Record<string, string> = { b3: 'old', 'x-b3-flags': '1', traceparent: 'old', other: 'kept' };
  injectContext(out, 'e'.repeat(32), 'f'.repeat(16), '1'.repeat(16), true);
  assert.deepEqual(out, {
    other: 'kept',
    'x-b3-traceid': 'e'.repeat(32),
    'x-b3-spanid': 'f'.repeat(16),
    'x-b3-parentspanid': '1'.repeat(16),
    'x-b3-sampled': '1',
    traceparent: `00-${'e'.repeat(32)}-${'f'.repeat(16)}-01`,
  });
});

test('sampling: the upstream decision stands, else the percentage', () => {
  assert.equal(decideSampling(true, 0), true);
  assert.equal(decideSampling(false, 100), false);
  assert.equal(decideSampling(undefined, 10, () => 0.05), true);
  assert.equal(decideSampling(undefined, 10, () => 0.15), false);
});

test('x-request-id records a sampled decision at index 14, as Envoy', () => {
  assert.equal(newRequestId(true)[14], '9');
  assert.equal(newRequestId(false)[14], '4');
});
