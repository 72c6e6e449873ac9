import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FloodConfig, FloodReport } from './flood-worker.ts';
import type { RunningWaymark } from './waymark.ts';

/**
 * One overload run against a started Waymark: the flood in a worker thread
 * (test/support/flood-worker.ts) while this thread times GET /health every
 * 100 ms and samples the process's RSS, then checks acknowledged traces
 * against the store. Shared by test/pipeline/overload.test.ts and bench/overload.ts.
 */
export interface OverloadResult {
  flood: FloodReport;
  healthCount: number;
  healthNot200: number;
  healthP99Ms: number;
  healthMaxMs: number;
  rssMaxMiB: number;
  /** Acknowledged traces looked up by ID, and how many of them were incomplete or missing. */
  checkedTraces: number;
  missingTraces: string[];
  writtenSpans: number;
  ackedSpans: number;
}

export async function runOverload(w: RunningWaymark, flood: Omit<FloodConfig, 'httpPort' | 'grpcPort'>, check: { traces: number; newestOnly: boolean }): Promise<OverloadResult> {
  const worker = new Worker(new URL('./flood-worker.ts', import.meta.url), { workerData: { ...flood, httpPort: w.ports.otlpHttp, grpcPort: w.ports.otlpGrpc } satisfies FloodConfig });
  const done = new Promise<FloodReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`flood worker exited with ${code}`)));
  });
  let finished = false;
  const health: number[] = [];
  let healthNot200 = 0;
  let rssMax = 0;
  const probe = (async () => {
    while (!finished) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${w.adminUrl}/health`, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.status !== 200) healthNot200++;
      } catch {
        healthNot200++;
      }
      health.push(performance.now() - t0);
      rssMax = Math.max(rssMax, rssMiB(w.process.pid!));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const report = await done.finally(() => {
    finished = true;
  });
  await probe;
  await worker.terminate();

  // The newest acknowledged traces (a memory store evicts the oldest), or a spread over the whole run.
  const ids = report.ackedTraces;
  const sample = check.newestOnly ? ids.slice(-check.traces) : Array.from({ length: Math.min(check.traces, ids.length) }, (_, i) => ids[Math.floor((i * ids.length) / Math.min(check.traces, ids.length))]!);
  const missingTraces: string[] = [];
  for (const id of sample) {
    const res = await fetch(`${w.queryUrl}/api/traces/${id}?raw=true`);
    const body = (await res.json()) as { data?: { spans: unknown[] }[] };
    if (res.status !== 200 || body.data?.[0]?.spans.length !== flood.spansPerTrace) missingTraces.push(id);
  }
  const metrics = await (await fetch(`${w.adminUrl}/metrics`)).text();
  const written = metrics.split('\n').filter((l) => l.startsWith('waymark_storage_written_spans_total{')).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const sorted = [...health].sort((a, b) => a - b);
  return {
    flood: report,
    healthCount: health.length,
    healthNot200,
    healthP99Ms: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0),
    healthMaxMs: Math.round(sorted.at(-1) ?? 0),
    rssMaxMiB: Math.round(rssMax),
    checkedTraces: sample.length,
    missingTraces,
    writtenSpans: written,
    ackedSpans: report.ackedTraces.length * flood.spansPerTrace,
  };
}

/** Resident set size of a process, from /proc (0 once it is gone). */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function describe(store: string, r: OverloadResult): string {
  const f = r.flood;
  return [
    `${store}: capacity ${f.capacityRps.toFixed(0)} req/s closed-loop, flood ${f.floodRps} req/s open-loop (OTLP/HTTP) + gRPC callers`,
    `  requests ${f.sent}: ${f.acked} acknowledged, ${f.pushedBack} pushed back (${f.pushBackWithoutRetryAfter} without Retry-After), ${f.failed} failed, other ${JSON.stringify(f.otherStatuses)}`,
    `  first push-back ${f.firstHttpPushBackMs ?? '-'} ms (HTTP), ${f.firstGrpcPushBackMs ?? '-'} ms (gRPC) after the flood started; push-back p99 ${f.pushBackLatencyP99Ms} ms, acknowledged p99 ${f.ackedLatencyP99Ms} ms`,
    `  /health: ${r.healthCount} probes, p99 ${r.healthP99Ms} ms, max ${r.healthMaxMs} ms, ${r.healthNot200} not 200; RSS max ${r.rssMaxMiB} MiB`,
    `  acknowledged ${r.ackedSpans} spans (${f.ackedTraces.length} traces); the store wrote ${r.writtenSpans}; ${r.checkedTraces} acknowledged traces looked up by ID, ${r.missingTraces.length} missing or incomplete`,
    ...(f.failures.length ? [`  failures: ${f.failures.join('; ')}`] : []),
  ].join('\n');
}
