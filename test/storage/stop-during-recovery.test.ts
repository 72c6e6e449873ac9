import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { nowNs, postOtlp, sleep, startEmbedded, tempDir, traceBatch } from './support.ts';
import { startWaymark } from '../support/waymark.ts';

/**
 * SIGTERM while the store is still opening after a kill -9 (replaying a
 * large write-ahead log) must end the process cleanly. Ending the store's
 * thread while a DuckDB call is in flight aborted the whole process with
 * "terminate called after throwing an instance of 'Napi::Error'" (the
 * addon throws from its completion callback once JavaScript may no longer
 * run), as an orchestrator stopping a slow start would.
 */

const tmp = tempDir();
after(() => tmp.remove());
const lockOwner = (dir: string): number | undefined => {
  try {
    return Number(readFileSync(path.join(dir, 'LOCK'), 'utf8'));
  } catch {
    return undefined;
  }
};
const NATIVE_CRASH = /terminate called|Napi::Error|FATAL ERROR|Aborted/;

test('SIGTERM during WAL replay after kill -9 exits cleanly, and the data is still there', { timeout: 300_000 }, async (t) => {
  // A data directory whose partition has a large un-checkpointed WAL, left by kill -9.
  const filled = path.join(tmp.dir, 'filled');
  const w = await startEmbedded(filled, ['--batch-size', '8192']);
  let acked = 0;
  const traceIds: string[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async (_, sender) => {
      for (let batch = 0; acked < 60_000; batch++) {
        const spans = traceBatch('replay', `${sender + 1}${batch.toString(16).padStart(5, '0')}`, 100, 10, nowNs());
        const status = await postOtlp(w.ports.otlpHttp, spans);
        if (status !== 200) continue;
        acked += spans.length;
        traceIds.push(spans[0]!.traceId);
      }
    }),
  );
  w.process.kill('SIGKILL');
  await new Promise((r) => w.process.once('exit', r));
  const wal = readdirSync(filled).find((f) => f.endsWith('.duckdb.wal'));
  assert.ok(wal && statSync(path.join(filled, wal)).size > 2_000_000, 'the kill should leave a large write-ahead log to replay');

  const crashes: string[] = [];
  const attempts = 5;
  for (let i = 0; i < attempts; i++) {
    const dir = path.join(tmp.dir, `attempt-${i}`);
    cpSync(filled, dir, { recursive: true });
    let child: import('node:child_process').ChildProcess | undefined;
    const started = startWaymark({ args: ['--storage', 'embedded', '--data-dir', dir], onSpawn: (c) => (child = c) }).catch((err: Error) => err);
    // The kill left its LOCK behind; the new process's store writes its own PID there as it starts opening the files; stop somewhere in the replay after that.
    const deadline = Date.now() + 60_000;
    while (lockOwner(dir) !== child?.pid && Date.now() < deadline) await sleep(5);
    await sleep(Math.floor((i / attempts) * 500));
    child!.kill('SIGTERM');
    const result = await started;
    const running = result instanceof Error ? undefined : result;
    const code = await new Promise<number | null>((resolve) => (child!.exitCode !== null || child!.signalCode !== null ? resolve(child!.exitCode) : child!.once('exit', (c) => resolve(c))));
    const output = running?.output() ?? (result as Error).message;
    if (code !== 0 || NATIVE_CRASH.test(output)) crashes.push(`attempt ${i}: exit ${code ?? child!.signalCode}\n${output.slice(-1500)}`);
    t.diagnostic(`attempt ${i}: exit ${code ?? child!.signalCode}`);
    if (i < attempts - 1) rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(crashes, []);

  // The last directory opens, and the spans acknowledged before the kill are there.
  const again = await startEmbedded(path.join(tmp.dir, `attempt-${attempts - 1}`));
  try {
    for (const id of traceIds.filter((_, n) => n % Math.ceil(traceIds.length / 40) === 0)) {
      const res = await fetch(`${again.queryUrl}/api/traces/${id}`);
      assert.equal(res.status, 200, `trace ${id} acknowledged before the kill`);
      await res.arrayBuffer();
    }
  } finally {
    assert.equal(await again.stop(), 0);
  }
});
