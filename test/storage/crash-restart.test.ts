import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCrashLoop } from './crash-loop.ts';

/**
 * The kill -9 / SIGTERM / restart loop of crash-loop.ts, a few dozen rounds
 * (scripts/crash-loop.ts runs hundreds): every restart comes up and serves,
 * no stop aborts natively, and every acknowledged span is there, once.
 */
const ROUNDS = Number(process.env.WAYMARK_CRASH_ROUNDS ?? 20);

test(`${ROUNDS} rounds of ingest, kill -9 or SIGTERM at a random moment, restart`, { timeout: 600_000 }, async (t) => {
  const result = await runCrashLoop({ rounds: ROUNDS, maxKillAfterMs: 1500, onRound: (r) => t.diagnostic(`round ${r.round}: ${r.phase} after ${r.killAfterMs} ms, ${r.ackedThisRound} spans acknowledged${r.failure ? ' FAILED' : ''}`) });
  assert.deepEqual(
    result.failures.map((f) => `round ${f.round} (${f.phase} after ${f.killAfterMs} ms): ${f.failure}`),
    [],
  );
  assert.ok(result.acked > 0, 'some spans should be acknowledged between the kills');
});
