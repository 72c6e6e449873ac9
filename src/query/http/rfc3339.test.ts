import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339, parseRfc3339 } from './rfc3339.ts';

// Both found by the fuzz harness's round trip (test/fuzz): format then parse must give the same nanoseconds.

test('a time before 1970 that is not a whole millisecond formats as its own instant', () => {
  assert.equal(formatRfc3339(-1n), '1969-12-31T23:59:59.999999999Z');
  assert.equal(parseRfc3339('t', formatRfc3339(-1n)), -1n);
  assert.equal(formatRfc3339(-1_500_000_001n), '1969-12-31T23:59:58.499999999Z');
});

test('years below 100 are those years, not 1900 + year', () => {
  assert.equal(parseRfc3339('t', '0001-01-01T00:00:00Z'), -62_135_596_800_000_000_000n);
  assert.equal(parseRfc3339('t', '0099-12-31T23:59:59.5Z'), -59_011_459_200_000_000_000n - 500_000_000n);
  assert.equal(formatRfc3339(parseRfc3339('t', '0050-06-15T12:00:00Z')), '0050-06-15T12:00:00Z');
});
