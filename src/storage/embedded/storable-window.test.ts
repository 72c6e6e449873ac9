import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openStore, simpleSpan, tempDataDir } from './test-support.ts';

// Found by the fuzz harness's end-to-end pass (test/fuzz/receivers-e2e.test.ts): a search window
// reaching past what the store holds (RFC 3339 years 1 to 9999, uint64 epochs) failed with a
// DuckDB conversion error, answered 503, instead of searching the part that can hold spans.

const data = tempDataDir();
after(() => data.remove());

const U64_MAX = 2n ** 64n - 1n;
const YEAR_1 = -62_135_596_800_000_000_000n;
const YEAR_9999 = 253_402_300_799_999_999_999n;
const NOW = 1_764_000_000_000_000_000n;

test('searches, lookups and dependencies with bounds beyond the storable range are answered, not failed', async () => {
  const store = await openStore(data.dir);
  try {
    await store.writeSpans([simpleSpan('7', NOW)]);
    const id = '7'.padStart(32, '0');
    const wide = { tags: [], limit: 10 };
    assert.deepEqual(await store.findTraceIds({ ...wide, startTimeMin: YEAR_1, startTimeMax: YEAR_9999 }), [id]);
    assert.deepEqual(await store.findTraceIds({ ...wide, startTimeMin: 0n, startTimeMax: U64_MAX, durationMin: 0n, durationMax: U64_MAX }), [id]);
    assert.equal((await store.findTraces({ ...wide, startTimeMin: YEAR_1, startTimeMax: YEAR_9999 })).length, 1);
    assert.deepEqual(await store.findTraceIds({ ...wide, startTimeMin: U64_MAX, startTimeMax: U64_MAX }), []);
    assert.deepEqual(await store.findTraceIds({ ...wide, startTimeMin: YEAR_1, startTimeMax: -1n }), []);
    assert.equal((await store.getTrace({ traceId: id, startTime: YEAR_1, endTime: YEAR_9999 })).length, 1);
    assert.deepEqual(await store.getDependencies({ endTime: YEAR_9999, lookback: YEAR_9999 - YEAR_1 }), []);
  } finally {
    await store.close();
  }
});
