import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describe, runOverload, type OverloadResult } from '../support/overload-run.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { tempDir } from '../storage/support.ts';

/**
 * Overload acceptance: measure what the server sustains (closed loop), then
 * flood it open-loop at several times that for a minute on both stores at
 * once, with grpc-js callers beside it. Clients must be pushed back (503 +
 * Retry-After, UNAVAILABLE) within 1 s of the flood starting, /health must
 * answer within 1 s throughout, RSS must stay under the limit, and every
 * acknowledged span must be in the store. The bounds hold by design:
 * admission is O(1) and happens before a request's body is read or decoded.
 */
const FLOOD_MS = Number(process.env.WAYMARK_OVERLOAD_MS ?? 60_000);
const FACTOR = 4;
/** The production overlay's container limit. */
const RSS_LIMIT_MIB = 1536;
const ADMISSION = ['--memory-limit-mib', '1024', '--memory-spike-limit-mib', '256', '--max-event-loop-delay', '100ms', '--log-level', 'warn'];

const tmp = tempDir();
const running: RunningWaymark[] = [];
after(async () => {
  for (const w of running) await w.stop();
  tmp.remove();
});

async function run(store: 'memory' | 'embedded', tag: string): Promise<OverloadResult> {
  const storeArgs = store === 'memory' ? ['--memory-max-traces', '20000'] : ['--storage', 'embedded', '--data-dir', `${tmp.dir}/data`, '--store-memory', '256MB'];
  const w = await startWaymark({ args: [...storeArgs, ...ADMISSION] });
  running.push(w);
  return runOverload(
    w,
    { service: `overload-${store}`, tag, tracesPerRequest: 50, spansPerTrace: 10, capacityMs: 5_000, floodMs: FLOOD_MS, factor: FACTOR, grpcCallers: 8 },
    // The memory store evicts the oldest traces beyond --memory-max-traces: look up the newest there.
    { traces: 1_000, newestOnly: store === 'memory' },
  );
}

test(`${FACTOR}x capacity for ${FLOOD_MS / 1000} s on both stores: push-back within 1 s, /health within 1 s, RSS bounded, nothing acknowledged lost`, { timeout: FLOOD_MS * 3 + 300_000 }, async (t) => {
  const [memory, embedded] = await Promise.all([run('memory', 'a'), run('embedded', 'b')]);
  for (const [store, r] of [['memory', memory], ['embedded', embedded]] as const) {
    t.diagnostic(describe(store, r));
    const f = r.flood;
    assert.ok(f.acked > 0, `${store}: nothing was acknowledged`);
    assert.ok(f.pushedBack > 0, `${store}: no client was pushed back`);
    assert.ok(f.firstHttpPushBackMs !== undefined && f.firstHttpPushBackMs <= 1_000, `${store}: first push-back ${f.firstHttpPushBackMs} ms after the flood started`);
    assert.equal(f.pushBackWithoutRetryAfter, 0, `${store}: push-back without Retry-After`);
    assert.deepEqual(f.otherStatuses, {}, `${store}: answers other than 200 and push-back: ${f.failures.join('; ')}`);
    assert.equal(r.healthNot200, 0, `${store}: /health failed ${r.healthNot200} times`);
    assert.ok(r.healthMaxMs < 1_000, `${store}: /health took up to ${r.healthMaxMs} ms`);
    assert.ok(r.rssMaxMiB < RSS_LIMIT_MIB, `${store}: RSS reached ${r.rssMaxMiB} MiB`);
    assert.deepEqual(r.missingTraces, [], `${store}: acknowledged traces missing from the store`);
    assert.ok(r.writtenSpans >= r.ackedSpans, `${store}: the store wrote ${r.writtenSpans} spans, ${r.ackedSpans} were acknowledged`);
  }
});
