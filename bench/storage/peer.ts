/**
 * A server under test, seen as a black box: where to send OTLP, where to
 * query, its process (for CPU and RSS), its data directory (for bytes on disk)
 * and how many spans it has written to its store so far.
 */
import type { ChildProcess } from 'node:child_process';
import { startWaymark } from '../../test/support/waymark.ts';

export interface Peer {
  name: string;
  pid: number;
  otlpHost: string;
  otlpPort: number;
  /** Base URL of the Jaeger-compatible HTTP query API. */
  queryUrl: string;
  dataDir: string | undefined;
  configFile?: string;
  output(): string;
  /** Spans the server reports written to its store (from its own metrics). */
  storedSpans(): Promise<number>;
  /** Graceful stop (SIGTERM, so stores flush and close), SIGKILL after 2 minutes. */
  stop(): Promise<void>;
}

export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** The sum of the Prometheus samples whose line matches `series`. */
export async function sumMetric(url: string, series: RegExp): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (series.test(line)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** SIGTERM (stores flush and close), SIGKILL after two minutes. */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await exited;
  clearTimeout(timer);
}

export async function waitHealthy(child: ChildProcess, url: string, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before becoming healthy:\n${output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`not healthy within ${timeoutMs} ms (${url}):\n${output()}`);
}

/** `./bin/waymark all-in-one --storage embedded --data-dir DIR` on free ports. */
export async function startWaymarkEmbedded(name: string, dataDir: string, extraArgs: string[] = []): Promise<Peer> {
  const w = await startWaymark({
    args: ['--storage', 'embedded', '--data-dir', dataDir, ...extraArgs],
  });
  const child = w.process;
  const exited = exitOf(child);
  return {
    name,
    pid: child.pid!,
    otlpHost: '127.0.0.1',
    otlpPort: w.ports.otlpHttp,
    queryUrl: w.queryUrl,
    dataDir,
    output: w.output,
    storedSpans: () => sumMetric(`${w.adminUrl}/metrics`, /^waymark_storage_written_spans_total/),
    stop: () => stopChild(child, exited),
  };
}
