import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { runStorageConformance } from '../conformance/suite.ts';
import { MemoryStore } from './memory-store.ts';

runStorageConformance('memory', async () => new MemoryStore({ maxTraces: 1000 }));

test('memory store evicts the trace first seen longest ago', async () => {
  const store = new MemoryStore({ maxTraces: 2 });
  const resource = makeResource([{ key: 'service.name', value: 's' }]);
  for (const t of ['1', '2', '3']) {
    await store.writeSpans([makeSpan({ traceId: t.padStart(32, '0'), spanId: t.padStart(16, '0'), name: 'op', startTimeUnixNano: 1n, endTimeUnixNano: 2n, resource })]);
  }
  assert.equal((await store.getTrace({ traceId: '1'.padStart(32, '0') })).length, 0);
  assert.equal((await store.getTrace({ traceId: '3'.padStart(32, '0') })).length, 1);
});
