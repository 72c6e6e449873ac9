import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TracesConsumer } from '../component/component.ts';
import { QueueFullError, RetryableError } from '../component/errors.ts';
import { makeResource, makeSpan } from '../model/builders.ts';
import type { Span } from '../model/span.ts';
import { silentTelemetry } from '../observability/telemetry.ts';
import { BatchQueue } from './batch-queue.ts';

const resource = makeResource([{ key: 'service.name', value: 'svc' }]);
function spans(n: number, offset = 0): Span[] {
  return Array.from({ length: n }, (_, i) =>
    makeSpan({ traceId: '1'.padStart(32, '0'), spanId: (offset + i + 1).toString(16).padStart(16, '0'), name: 'op', startTimeUnixNano: 1n, endTimeUnixNano: 2n, resource }),
  );
}

/** A consumer whose writes wait until released, recording each batch. */
function gatedConsumer() {
  const batches: Span[][] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const consumer: TracesConsumer = {
    async consumeTraces(batch) {
      await gate;
      batches.push(batch);
    },
  };
  return { consumer, batches, open: () => release(), close: () => (gate = new Promise<void>((r) => (release = r))) };
}

test('callers resolve only after the write that carried their spans', async () => {
  const g = gatedConsumer();
  const q = new BatchQueue({ capacitySpans: 100, maxBatchSpans: 100 }, g.consumer);
  await q.start({ telemetry: silentTelemetry(), reportFatal: () => {} });
  let done = false;
  const p = q.consumeTraces(spans(3)).then(() => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false);
  g.open();
  await p;
  assert.equal(done, true);
  assert.equal(g.batches.length, 1);
});

test('requests that arrive during a write are group-committed in the next one', async () => {
  const g = gatedConsumer();
  const q = new BatchQueue({ capacitySpans: 1000, maxBatchSpans: 1000 }, g.consumer);
  await q.start({ telemetry: silentTelemetry(), reportFatal: () => {} });
  const first = q.consumeTraces(spans(1));
  const rest = [q.consumeTraces(spans(2, 10)), q.consumeTraces(spans(3, 20)), q.consumeTraces(spans(4, 30))];
  g.open();
  await Promise.all([first, ...rest]);
  assert.deepEqual(g.batches.map((b) => b.length), [1, 9]);
});

test('a full queue refuses with QueueFullError and accepts again once drained', async () => {
  const g = gatedConsumer();
  const q = new BatchQueue({ capacitySpans: 10, maxBatchSpans: 5 }, g.consumer);
  await q.start({ telemetry: silentTelemetry(), reportFatal: () => {} });
  const accepted = [q.consumeTraces(spans(5)), q.consumeTraces(spans(5, 5))];
  await assert.rejects(q.consumeTraces(spans(1, 10)), QueueFullError);
  assert.equal(q.depth, 10);
  g.open();
  await Promise.all(accepted);
  assert.equal(q.depth, 0);
  await q.consumeTraces(spans(1, 10));
  assert.equal(g.batches.flat().length, 11);
});

test('a failed write rejects every caller in that batch with the writer error', async () => {
  const failing: TracesConsumer = { consumeTraces: async () => Promise.reject(new RetryableError('store down')) };
  const q = new BatchQueue({ capacitySpans: 10, maxBatchSpans: 10 }, failing);
  await assert.rejects(q.consumeTraces(spans(2)), /store down/);
  assert.equal(q.depth, 0);
});

test('shutdown drains what was queued, then refuses new spans', async () => {
  const g = gatedConsumer();
  const q = new BatchQueue({ capacitySpans: 100, maxBatchSpans: 2 }, g.consumer);
  const pending = [q.consumeTraces(spans(2)), q.consumeTraces(spans(2, 2)), q.consumeTraces(spans(2, 4))];
  const stopped = q.shutdown();
  await assert.rejects(q.consumeTraces(spans(1, 9)), /shutting down/);
  g.open();
  await stopped;
  await Promise.all(pending);
  assert.equal(g.batches.flat().length, 6);
  await q.shutdown();
});

test('waitMs: 0 when idle; grows while a write is held; counts the spans queued ahead at the measured write rate', async () => {
  const g = gatedConsumer();
  const q = new BatchQueue({ capacitySpans: 10_000, maxBatchSpans: 10 }, g.consumer);
  await q.start({ telemetry: silentTelemetry(), reportFatal: () => {} });
  assert.equal(q.waitMs, 0);
  const first = q.consumeTraces(spans(10));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(q.waitMs >= 40, `waitMs ${q.waitMs} while the write is held`);
  // A write of 10 spans that took >= 50 ms: 1,000 more spans queued ahead are several seconds of work.
  const more = Array.from({ length: 100 }, (_, i) => q.consumeTraces(spans(10, 100 + i * 10)));
  g.open();
  await first;
  assert.ok(q.waitMs > 1_000, `waitMs ${q.waitMs} with 1,000 spans queued behind a slow write`);
  await Promise.all(more);
  assert.equal(q.waitMs, 0);
});
