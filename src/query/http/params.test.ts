import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGoDuration } from '../duration-format.ts';
import { parseTagParam, parseTagsJson } from './legacy-search-params.ts';
import { parseEpoch } from './params.ts';
import { formatRfc3339, parseRfc3339 } from './rfc3339.ts';

test('tag forms: key:value, key!=value, key; the first separator decides', () => {
  assert.deepEqual(parseTagParam('http.url:http://x/a!=b'), { key: 'http.url', op: 'equals', value: 'http://x/a!=b' });
  assert.deepEqual(parseTagParam('http.url!=http://x'), { key: 'http.url', op: 'notEquals', value: 'http://x' });
  assert.deepEqual(parseTagParam('error'), { key: 'error', op: 'exists' });
  assert.deepEqual(parseTagParam('k:'), { key: 'k', op: 'equals', value: '' });
  assert.throws(() => parseTagParam(':v'), /tag: ":v" has no key/);
});

test('tags JSON: strings, numbers and booleans as text; anything else refused', () => {
  assert.deepEqual(parseTagsJson('{"a":"1","b":2,"c":true}').map((t) => (t.op === 'equals' ? t.value : '')), ['1', '2', 'true']);
  assert.throws(() => parseTagsJson('{"a":{}}'), /tags: the value of "a" must be a string/);
});

test('epoch timestamps: unit from magnitude', () => {
  assert.equal(parseEpoch('start', '1700000000000'), 1_700_000_000_000_000_000n);
  assert.equal(parseEpoch('start', '1700000000000000'), 1_700_000_000_000_000_000n);
  assert.equal(parseEpoch('start', '1700000000000000123'), 1_700_000_000_000_000_123n);
  assert.throws(() => parseEpoch('end', '-1'), /end: "-1" is not a timestamp/);
});

test('RFC 3339: nanoseconds exact, offsets applied, nonsense refused', () => {
  assert.equal(parseRfc3339('t', '2023-11-14T22:13:20.123456789Z'), 1_700_000_000_123_456_789n);
  assert.equal(parseRfc3339('t', '2023-11-15T00:13:20+02:00'), 1_700_000_000_000_000_000n);
  assert.equal(formatRfc3339(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
  assert.throws(() => parseRfc3339('query.start_time_min', '2023-13-01T00:00:00Z'), /query\.start_time_min/);
  assert.throws(() => parseRfc3339('t', '1700000000'), /not an RFC 3339 time/);
});

test('Go duration text for warnings', () => {
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration(1500n), '1.5µs');
  assert.equal(formatGoDuration(-250_000_000n), '-250ms');
  assert.equal(formatGoDuration(3_723_000_000_000n), '1h2m3s');
  assert.equal(formatGoDuration(90_500_000_000n), '1m30.5s');
});
