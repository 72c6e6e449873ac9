import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexFromInt64Pair, InvalidIdError, int64FromHex, normalizeParentSpanId, normalizeSpanId, normalizeTraceId, shortTraceId, traceIdFromBytes } from './ids.ts';

test('a 64-bit trace ID and its 128-bit zero extension are one ID', () => {
  assert.equal(normalizeTraceId('00F067AA0BA902B7'), normalizeTraceId('000000000000000000f067aa0ba902b7'));
  assert.equal(shortTraceId(normalizeTraceId('00f067aa0ba902b7')), '00f067aa0ba902b7');
  assert.equal(shortTraceId(normalizeTraceId('4bf92f3577b34da6a3ce929d0e0e4736')), '4bf92f3577b34da6a3ce929d0e0e4736');
});

test('invalid IDs are refused with a message naming the problem', () => {
  assert.throws(() => normalizeTraceId('0'.repeat(32)), /all zeros/);
  assert.throws(() => normalizeTraceId('xyz'), InvalidIdError);
  assert.throws(() => normalizeTraceId('1'.repeat(33)), /expected 16 or 32 hex/);
  assert.throws(() => normalizeSpanId('0'.repeat(16)), /all zeros/);
  assert.throws(() => traceIdFromBytes(new Uint8Array(5)), /5 bytes/);
  assert.equal(normalizeParentSpanId('0000000000000000'), '');
});

test('Thrift signed 64-bit halves convert both ways', () => {
  assert.equal(hexFromInt64Pair(0n, -1n), '0000000000000000ffffffffffffffff');
  assert.equal(int64FromHex('ffffffffffffffff'), -1n);
  assert.equal(int64FromHex('7fffffffffffffff'), 9223372036854775807n);
});
