import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariesQuery } from './api.ts';
import { formatLogfmt, parseLogfmt, tokenAt } from './logfmt.ts';
import { readSearch, searchWindow, writeSearch } from './search-params.ts';

test('logfmt tags: plain, quoted, escaped; errors name the problem', () => {
  assert.deepEqual(parseLogfmt('http.status_code=500  error=true msg="a b \\"c\\""'), { tags: { 'http.status_code': '500', error: 'true', msg: 'a b "c"' } });
  assert.match(parseLogfmt('lonely').error!, /"lonely" has no value/);
  assert.match(parseLogfmt('k="open').error!, /no closing quote/);
  assert.match(parseLogfmt('=v').error!, /no key/);
  assert.equal(formatLogfmt({ a: '1', b: 'x y', c: '' }), 'a=1 b="x y" c=""');
  assert.deepEqual(tokenAt('a=1 http.st', 11), { start: 4, key: 'http.st', value: undefined });
  assert.deepEqual(tokenAt('a=1 k="v', 8), { start: 4, key: 'k', value: 'v' });
});

test("Jaeger UI search URLs read and write the same parameters", () => {
  const p = new URLSearchParams('service=cart&operation=get&tags=%7B%22http.status_code%22%3A%22500%22%7D&lookback=2h&minDuration=10ms&maxDuration=1s&limit=50');
  const s = readSearch(p);
  assert.equal(s.tags, 'http.status_code=500');
  assert.equal(s.lookback, '2h');
  const back = writeSearch(s);
  assert.equal(back.get('tags'), '{"http.status_code":"500"}');
  for (const k of ['service', 'operation', 'lookback', 'minDuration', 'maxDuration', 'limit']) assert.equal(back.get(k), p.get(k), k);
  // Custom range: start/end are microseconds.
  const custom = readSearch(new URLSearchParams('start=1700000000000000&end=1700003600000000'));
  assert.equal(custom.lookback, 'custom');
  assert.deepEqual(searchWindow(custom), { startUs: 1700000000000000, endUs: 1700003600000000 });
  assert.deepEqual(readSearch(new URLSearchParams('traceID=a&traceID=b,c')).traceIDs, ['a', 'b', 'c']);
  assert.equal(readSearch(new URLSearchParams('operation=all')).operation, '');
});

test('the api_v3 summaries query carries the whole search', () => {
  const s = readSearch(new URLSearchParams('service=cart&operation=get&tags=a%3D1&lookback=1h&minDuration=10ms&limit=7'));
  const q = summariesQuery(s, Date.UTC(2026, 0, 1, 12));
  assert.equal(q.get('query.service_name'), 'cart');
  assert.equal(q.get('query.operation_name'), 'get');
  assert.equal(q.get('query.start_time_min'), '2026-01-01T11:00:00.000Z');
  assert.equal(q.get('query.start_time_max'), '2026-01-01T12:00:00.001Z');
  assert.equal(q.get('query.duration_min'), '10ms');
  assert.equal(q.get('query.attributes'), '{"a":"1"}');
  assert.equal(q.get('query.search_depth'), '7');
  assert.equal(summariesQuery(readSearch(new URLSearchParams('lookback=1h'))).has('query.service_name'), false);
});
