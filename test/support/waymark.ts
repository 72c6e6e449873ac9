import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPTIONS, type Role } from '../../src/config/options.ts';
import { spawnSupervised } from './child.ts';
import { freePort } from './ports.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WaymarkPorts {
  query: number;
  queryGrpc: number;
  otlpGrpc: number;
  otlpHttp: number;
  zipkin: number;
  jaegerHttp: number;
  jaegerGrpc: number;
  jaegerCompact: number;
  jaegerBinary: number;
  admin: number;
}

/** A free port for every listener of an all-in-one Waymark. */
export async function allocatePorts(): Promise<WaymarkPorts> {
  return {
    query: await freePort(),
    queryGrpc: await freePort(),
    otlpGrpc: await freePort(),
    otlpHttp: await freePort(),
    zipkin: await freePort(),
    jaegerHttp: await freePort(),
    jaegerGrpc: await freePort(),
    jaegerCompact: await freePort(),
    jaegerBinary: await freePort(),
    admin: await freePort(),
  };
}

export interface RunningWaymark {
  ports: WaymarkPorts;
  /** http://127.0.0.1:<query port><base path> */
  queryUrl: string;
  adminUrl: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  role?: string;
  args?: string[];
  /** Added to (an undefined value: removed from) the test process environment. */
  env?: Record<string, string | undefined>;
  basePath?: string;
  /** Program and leading arguments to run instead of ./bin/waymark (e.g. node + compiled main.js). */
  command?: string[];
  /** Working directory of the process (the default embedded store's ./data is relative to it). */
  cwd?: string;
  /** Leave out `--storage memory`, so the process opens the default store: give it a temporary `cwd` or `--data-dir`. */
  defaultStorage?: boolean;
  /** Called with the process as soon as it is spawned, before it is healthy (to kill it during start-up, say). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Starts `./bin/waymark all-in-one` the way the contract does, on free ports, and waits for /health.
 * A port can be taken between the check and the bind (another test process, or a client's
 * ephemeral port), so a start that fails with EADDRINUSE is tried again on fresh ports.
 */
export async function startWaymark(options: StartOptions = {}): Promise<RunningWaymark> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 4 || !/EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(options: StartOptions): Promise<RunningWaymark> {
  const ports = await allocatePorts();
  const role = options.role ?? 'all-in-one';
  const defaults: [string, string][] = [
    // Not the default embedded store, which would write to ./data (test/storage passes --storage embedded and a temporary --data-dir).
    ...(options.defaultStorage ? [] : [['storage', 'memory'] as [string, string]]),
    ['host', '127.0.0.1'],
    ['query-port', String(ports.query)],
    ['query-grpc-port', String(ports.queryGrpc)],
    ['otlp-grpc-port', String(ports.otlpGrpc)],
    ['otlp-http-port', String(ports.otlpHttp)],
    ['zipkin-port', String(ports.zipkin)],
    ['jaeger-http-port', String(ports.jaegerHttp)],
    ['jaeger-grpc-port', String(ports.jaegerGrpc)],
    ['jaeger-compact-port', String(ports.jaegerCompact)],
    ['jaeger-binary-port', String(ports.jaegerBinary)],
    ['admin-port', String(ports.admin)],
    // A busy test machine must not turn into push-back in tests about something else; the overload tests set their own.
    ['max-event-loop-delay', '0s'],
    ...(options.basePath ? [['base-path', options.basePath] as [string, string]] : []),
  ];
  // Only the flags this role takes (the agent has no storage or query port); the caller's args come last and win.
  const takes = (flag: string) => OPTIONS.some((o) => o.flag === flag && o.roles.includes(role as Role));
  const args = [role, ...defaults.filter(([flag]) => takes(flag)).flatMap(([flag, value]) => [`--${flag}`, value]), ...(options.args ?? [])];
  const [program, ...leading] = options.command ?? [path.join(ROOT, 'bin/waymark')];
  const proc = spawnSupervised(program!, [...leading, ...args], { env: { ...process.env, WAYMARK_LOG_LEVEL: 'warn', ...options.env }, ...(options.cwd ? { cwd: options.cwd } : {}) });
  const { child } = proc;
  options.onSpawn?.(child);
  const adminUrl = `http://127.0.0.1:${ports.admin}`;
  const running: RunningWaymark = {
    ports,
    queryUrl: `http://127.0.0.1:${ports.query}${options.basePath ?? ''}`,
    adminUrl,
    process: child,
    output: proc.output,
    stop: () => proc.stop(),
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`waymark exited with ${child.exitCode ?? child.signalCode} before becoming healthy:\n${proc.output()}`);
    try {
      const res = await fetch(`${adminUrl}/health`);
      if (res.status === 200) return running;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await running.stop();
  throw new Error(`waymark did not become healthy within 20 s:\n${proc.output()}`);
}
