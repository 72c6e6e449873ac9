import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import type { RunningWaymark } from '../support/waymark.ts';
import { nowNs, postOtlp, sleep, startEmbedded, tempDir, traceBatch } from './support.ts';

/**
 * Issue 4, acceptance 3: with one-second partitions and a three-second
 * retention, the oldest data disappears while ingestion and queries go on,
 * every request meanwhile is acknowledged, and the newest data stays.
 */

const tmp = tempDir();
let w: RunningWaymark | undefined;
after(async () => {
  await w?.stop();
  tmp.remove();
});

interface Sent {
  traceId: string;
  at: number;
}

const partitionFiles = () => readdirSync(tmp.dir).filter((f) => /^spans-.*\.duckdb$/.test(f));

async function traceStatus(id: string): Promise<number> {
  const res = await fetch(`${w!.queryUrl}/api/traces/${id}`);
  await res.arrayBuffer();
  return res.status;
}

test('retention deletes whole old partitions while ingestion keeps being acknowledged', { timeout: 60_000 }, async (t) => {
  w = await startEmbedded(tmp.dir, ['--partition-width', '1s', '--retention', '3s']);
  const sent: Sent[] = [];
  const failures: string[] = [];
  let slowest = 0;
  let stop = false;
  const senders = Array.from({ length: 2 }, async (_, sender) => {
    for (let n = 0; !stop; n++) {
      const spans = traceBatch('retention', `${sender + 1}${n.toString(16).padStart(6, '0')}`, 1, 10, nowNs());
      const t0 = Date.now();
      const status = await postOtlp(w!.ports.otlpHttp, spans);
      slowest = Math.max(slowest, Date.now() - t0);
      if (status === 200) sent.push({ traceId: spans[0]!.traceId, at: t0 });
      else failures.push(`POST ${n} of sender ${sender}: ${status}`);
      await sleep(20);
    }
  });
  const reader = (async () => {
    while (!stop) {
      const res = await fetch(`${w!.queryUrl}/api/traces?service=retention&limit=5`);
      await res.arrayBuffer();
      if (res.status !== 200) failures.push(`search: ${res.status}`);
      await sleep(50);
    }
  })();

  try {
    // Let the first partitions fill, then wait (still ingesting) until the first second's traces are gone.
    const began = Date.now();
    await sleep(1200);
    const early = sent.filter((s) => s.at < began + 800);
    assert.ok(early.length > 5, `only ${early.length} traces in the first 800 ms`);
    assert.equal(await traceStatus(early[0]!.traceId), 200, 'an early trace is readable before retention');
    const filesBefore = new Set(partitionFiles());
    const deadline = Date.now() + 20_000;
    let remaining = early.length;
    while (Date.now() < deadline) {
      remaining = 0;
      for (const s of early) if ((await traceStatus(s.traceId)) !== 404) remaining++;
      if (remaining === 0) break;
      await sleep(200);
    }
    assert.equal(remaining, 0, `${remaining} of ${early.length} traces older than the retention are still there`);
    const elapsed = Date.now() - began;
    t.diagnostic(`old traces gone after ${elapsed} ms; slowest POST so far ${slowest} ms`);
    // Expired partitions went as whole files; the ones written since are there.
    assert.ok([...filesBefore].some((f) => !partitionFiles().includes(f)), 'an old partition file was deleted');
    await sleep(500); // ingestion goes on after the sweep as well
  } finally {
    stop = true;
    await Promise.all([...senders, reader]);
  }

  assert.deepEqual(failures, [], 'every request during the sweeps was answered');
  // Newer data stays: everything acknowledged in the last second is readable.
  const checkStart = Date.now();
  const recent = sent.filter((s) => s.at > checkStart - 1000);
  assert.ok(recent.length > 5, `only ${recent.length} recent traces`);
  for (const s of recent) assert.equal(await traceStatus(s.traceId), 200, `trace ${s.traceId} sent ${checkStart - s.at} ms ago`);
  assert.ok(partitionFiles().length <= 10, `partition files left: ${partitionFiles().join(', ')}`);

  const metrics = await (await fetch(`${w.adminUrl}/metrics`)).text();
  const dropped = /^waymark_storage_partitions_dropped_total\{reason="retention"\} (\d+)/m.exec(metrics);
  assert.ok(dropped && Number(dropped[1]) >= 1, `dropped partitions are counted:\n${metrics.split('\n').filter((l) => l.includes('storage')).join('\n')}`);
  assert.match(metrics, /^waymark_storage_disk_bytes [1-9]\d*/m);
});
