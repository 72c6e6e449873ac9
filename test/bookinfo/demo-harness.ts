import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSupervised } from '../support/child.ts';
import { freePort } from '../support/ports.ts';
import { ROOT } from '../support/waymark.ts';

export interface RunningDemo {
  child: ChildProcess;
  startedAt: number;
  readyAt: number;
  queryUrl: string;
  gatewayUrl: string;
  logDir: string;
  output(): string;
  /** Every process below the demo, now. */
  descendants(): number[];
  /** SIGINT (what Ctrl-C sends) to the demo alone, and its exit code once it has exited. */
  interrupt(): Promise<number | null>;
  /** interrupt(), then SIGKILL for anything left, and the log folder removed. */
  stop(): Promise<number | null>;
}

/**
 * Starts `./bin/waymark demo` on free ports with the memory store and waits for it to say it is
 * running. A port taken between the check and the bind (EADDRINUSE) means another try on fresh ports.
 */
export async function startDemo(extra: string[] = []): Promise<RunningDemo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(extra);
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(extra: string[]): Promise<RunningDemo> {
  const port = async () => String(await freePort());
  const query = await port();
  const flags = [
    '--storage', 'memory',
    '--host', '127.0.0.1',
    '--query-port', query,
    '--query-grpc-port', await port(),
    '--otlp-grpc-port', await port(),
    '--otlp-http-port', await port(),
    '--zipkin-port', await port(),
    '--jaeger-http-port', await port(),
    '--jaeger-grpc-port', await port(),
    '--jaeger-compact-port', await port(),
    '--jaeger-binary-port', await port(),
    '--admin-port', await port(),
    '--gateway-port', await port(),
    '--mesh-base-port', '0',
    '--flush-interval', '200',
  ];
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-demo-test-'));
  const startedAt = Date.now();
  const proc = spawnSupervised(path.join(ROOT, 'bin/waymark'), ['demo', ...flags, '--log-dir', logDir, ...extra]);
  const { child } = proc;
  const seen = new Set<number>();
  const descendants = () => {
    const found = descendantsOf(child.pid!);
    for (const p of found) seen.add(p);
    return found;
  };
  const demo: RunningDemo = {
    child,
    startedAt,
    readyAt: 0,
    queryUrl: `http://127.0.0.1:${query}`,
    gatewayUrl: '',
    logDir,
    output: proc.output,
    descendants,
    interrupt() {
      descendants();
      return proc.stop('SIGINT', 30_000);
    },
    async stop() {
      const code = await demo.interrupt();
      // Whatever the demo failed to stop must not outlive the test.
      for (const pid of seen) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(logDir, { recursive: true, force: true });
      return code;
    },
  };
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl-C to stop/.test(proc.output())) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await demo.stop();
      throw new Error(`the demo did not start:\n${proc.output()}`);
    }
    descendants();
    await new Promise((r) => setTimeout(r, 50));
  }
  demo.readyAt = Date.now();
  demo.gatewayUrl = /Bookinfo:\s+(http:\/\/\S+)\/productpage/.exec(proc.output())![1]!;
  descendants();
  return demo;
}

/** Child processes of `pid`, recursively, read from /proc. */
export function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0: it is gone for our purposes once its state is Z.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
