/**
 * Overload benchmark: the overload acceptance test's run (test/support/overload-run.ts),
 * longer and configurable. Starts `./bin/waymark all-in-one` on the chosen store, measures
 * what it sustains closed-loop, floods it open-loop at `--factor` times that over OTLP/HTTP
 * with grpc-js OTLP callers beside it, and prints push-back latency, /health latency,
 * peak RSS and acknowledged-versus-stored.
 *
 *   node bench/overload.ts --store embedded --seconds 150 --factor 4 --grpc 16
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describe, runOverload } from '../test/support/overload-run.ts';
import { startWaymark } from '../test/support/waymark.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    seconds: { type: 'string', default: '150' },
    factor: { type: 'string', default: '4' },
    grpc: { type: 'string', default: '16' },
    'traces-per-request': { type: 'string', default: '50' },
    // Extra Waymark flags, e.g. --waymark "--ingest-max-requests 256".
    waymark: { type: 'string', default: '--memory-limit-mib 1024 --memory-spike-limit-mib 256' },
  },
});
const dir = mkdtempSync(path.join(tmpdir(), 'waymark-overload-'));
const storeArgs = values.store === 'memory' ? ['--memory-max-traces', '20000'] : ['--storage', 'embedded', '--data-dir', dir, '--store-memory', '256MB'];
const w = await startWaymark({ args: [...storeArgs, ...values.waymark.split(/\s+/).filter(Boolean), '--max-event-loop-delay', process.env.DELAY ?? '100ms'] });
try {
  const r = await runOverload(
    w,
    {
      service: `overload-${values.store}`,
      tag: 'c',
      tracesPerRequest: Number(values['traces-per-request']),
      spansPerTrace: 10,
      capacityMs: 10_000,
      floodMs: Number(values.seconds) * 1000,
      factor: Number(values.factor),
      grpcCallers: Number(values.grpc),
    },
    { traces: 2_000, newestOnly: values.store === 'memory' },
  );
  console.log(describe(values.store, r));
  const metrics = await (await fetch(`${w.adminUrl}/metrics`)).text();
  console.log(metrics.split('\n').filter((l) => l.startsWith('waymark_receiver_refused_requests_total') || l.startsWith('waymark_event_loop') || l.startsWith('waymark_storage_write_duration_seconds')).join('\n'));
} finally {
  console.log(`exit code after SIGTERM: ${await w.stop()}`);
  rmSync(dir, { recursive: true, force: true });
}
