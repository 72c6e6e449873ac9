import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OtlpGrpcSender, OtlpHttpSender, spanKey } from '../support/load.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { nowNs, sleep, tempDir, traceBatch, tracesOf } from '../storage/support.ts';

/**
 * SIGTERM while clients keep sending (keep-alive HTTP connections and gRPC
 * channels that go on posting during the shutdown): the process must exit 0
 * within a generous bound every time, and on the embedded store everything
 * acknowledged must be there after a restart.
 */

const ROUNDS = Number(process.env.WAYMARK_SIGTERM_ROUNDS ?? 4);
const HTTP_SENDERS = 16;
const GRPC_SENDERS = 4;
/** Far beyond what a drain takes; a hang is what this catches. */
const EXIT_BOUND_MS = 30_000;

const tmp = tempDir();
const running: RunningWaymark[] = [];
after(async () => {
  for (const w of running) await w.stop();
  tmp.remove();
});

interface Round {
  exitMs: number;
  code: number | null;
  acked: number;
}

async function sigtermUnderLoad(w: RunningWaymark, service: string, round: number, acked: Set<string>): Promise<Round> {
  let stop = false;
  let ackedThisRound = 0;
  const exited = new Promise<number | null>((resolve) => w.process.once('exit', (code) => resolve(code)));
  const http = new OtlpHttpSender(w.ports.otlpHttp, { connections: HTTP_SENDERS, timeoutMs: 20_000 });
  const grpcs = Array.from({ length: GRPC_SENDERS }, () => new OtlpGrpcSender(w.ports.otlpGrpc, { deadlineMs: 20_000 }));
  const sender = async (id: number, send: (spans: ReturnType<typeof traceBatch>) => Promise<{ status: number }>) => {
    for (let batch = 0; !stop; batch++) {
      const prefix = `${(round + 1).toString(16)}${id.toString(16).padStart(2, '0')}${batch.toString(16).padStart(5, '0')}`;
      const spans = traceBatch(service, prefix, 5, 10, nowNs());
      const { status } = await send(spans);
      if (status === 200) {
        for (const s of spans) acked.add(spanKey(s));
        ackedThisRound += spans.length;
      } else if (status === 0) {
        // Refused connection once the listener is closed: the client backs off, as an exporter does.
        await sleep(20);
      }
    }
  };
  const senders = [
    ...Array.from({ length: HTTP_SENDERS }, (_, i) => sender(i, (s) => http.send(s))),
    ...grpcs.map((g, i) => sender(HTTP_SENDERS + i, (s) => g.send(s))),
  ];
  const deadline = Date.now() + 60_000;
  while (ackedThisRound < 3_000 && Date.now() < deadline) await sleep(10);
  await sleep(100 + Math.floor(Math.random() * 400));
  const t0 = Date.now();
  w.process.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(EXIT_BOUND_MS).then(() => 'hung' as const)]);
  const exitMs = Date.now() - t0;
  stop = true;
  await Promise.all(senders);
  http.close();
  for (const g of grpcs) g.close();
  if (code === 'hung') {
    const out = w.output();
    w.process.kill('SIGKILL');
    await exited;
    assert.fail(`round ${round}: still running ${EXIT_BOUND_MS} ms after SIGTERM; its log ends:\n${out.slice(-2000)}`);
  }
  return { exitMs, code, acked: ackedThisRound };
}

for (const store of ['memory', 'embedded'] as const) {
  test(`SIGTERM under load always exits 0 and loses nothing acknowledged (${store} store)`, { timeout: 600_000 }, async (t) => {
    const dataDir = `${tmp.dir}/${store}`;
    const args = store === 'embedded' ? ['--storage', 'embedded', '--data-dir', dataDir] : [];
    const acked = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const w = await startWaymark({ args, env: { WAYMARK_LOG_LEVEL: 'info' } });
      running.push(w);
      const r = await sigtermUnderLoad(w, `sigterm-${store}`, round, acked);
      t.diagnostic(`${store} round ${round}: ${r.acked} spans acknowledged, exit ${r.code} ${r.exitMs} ms after SIGTERM`);
      assert.equal(r.code, 0, `round ${round}: exit code ${r.code}; log:\n${w.output().slice(-2000)}`);
      assert.ok(r.acked >= 3_000, `round ${round}: only ${r.acked} spans acknowledged before SIGTERM`);
    }
    if (store === 'embedded') {
      // Every acknowledged trace in one search: no cap on the number of traces.
      const w = await startWaymark({ args: [...args, '--query-max-limit', '0'] });
      running.push(w);
      const stored = new Set<string>();
      for (const trace of await tracesOf(w.queryUrl, `sigterm-${store}`)) {
        for (const s of trace.spans) stored.add(`${trace.traceID.padStart(32, '0')}/${s.spanID}`);
      }
      const missing = [...acked].filter((k) => !stored.has(k));
      assert.equal(missing.length, 0, `${missing.length} of ${acked.size} acknowledged spans missing after the restarts, e.g. ${missing.slice(0, 3).join(', ')}`);
      assert.equal(await w.stop(), 0);
    }
  });
}
