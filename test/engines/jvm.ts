import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSupervised } from '../support/child.ts';
import { freePort } from '../support/ports.ts';
import { buildLauncher } from './maven.ts';

/** How to run one engine launcher of test/engines/<project>. */
export interface JvmEngineSpec {
  name: string;
  /** The Maven project folder under test/engines. */
  project: string;
  mainClass: string;
  jvmArgs: string[];
  /** Each gets a free port, passed as `--<name> <port>`. */
  portNames: string[];
  /** The launcher's ready line on stdout. */
  readyLine: RegExp;
  /** How long the engine may take to start (the build is not counted). */
  readyTimeoutMs: number;
}

export interface RunningJvm {
  ports: Record<string, number>;
  /** The engine's temporary folder (config and data); removed by stop(). */
  home: string;
  ready: RegExpMatchArray;
  pid: number;
  /** Everything the JVM wrote so far. */
  output(): string;
  /** SIGTERM (SIGKILL after 30 s), then removes the temporary folder. */
  stop(): Promise<void>;
}

/**
 * Builds the launcher if needed and starts it on free ports with a fresh temporary folder,
 * waiting for its ready line. A port can be taken between the check and the bind, so a start
 * that fails to bind is tried again on fresh ports.
 */
export async function startJvmEngine(spec: JvmEngineSpec): Promise<RunningJvm> {
  const { classpath } = await buildLauncher(spec.project);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec, classpath);
    } catch (err) {
      if (attempt >= 4 || !/BindException|Address already in use|Failed to bind/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(spec: JvmEngineSpec, classpath: string): Promise<RunningJvm> {
  const home = await mkdtemp(path.join(os.tmpdir(), `waymark-${spec.name}-`));
  const ports: Record<string, number> = {};
  for (const name of spec.portNames) ports[name] = await freePort();
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const args = [...spec.jvmArgs, '-cp', classpath, spec.mainClass, '--home', home,
    ...Object.entries(ports).flatMap(([name, port]) => [`--${name}`, String(port)])];
  const proc = spawnSupervised(java, args);
  // A forgotten stop must not keep the test process alive: its exit handler kills the JVM.
  proc.child.unref();
  for (const stream of [proc.child.stdout, proc.child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  const entry = { child: proc.child, home };
  running.add(entry);
  watchProcessExit();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await proc.stop('SIGTERM', 30_000);
      await rm(home, { recursive: true, force: true, maxRetries: 5 });
      running.delete(entry);
    })());

  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    const ready = proc.output().match(spec.readyLine);
    if (ready) return { ports, home, ready, pid: proc.child.pid!, output: proc.output, stop };
    const exited = proc.child.exitCode !== null || proc.child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      await stop();
      const why = exited ? `exited with ${proc.child.exitCode ?? proc.child.signalCode}` : `was not ready after ${spec.readyTimeoutMs} ms`;
      throw new Error(`${spec.name} ${why}; its output:\n${proc.output().slice(-6000)}`);
    }
    await sleep(250);
  }
}

/** Engines not stopped yet, killed if the test process exits without stopping them. */
const running = new Set<{ child: ChildProcess; home: string }>();
let watching = false;

/**
 * On a normal exit (a failed assertion, a forgotten stop) kill the JVMs and remove their data.
 * A killed test process runs no handler: then each launcher's ParentWatch ends its own JVM.
 */
function watchProcessExit(): void {
  if (watching) return;
  watching = true;
  process.once('exit', () => {
    for (const { child, home } of running) {
      child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true, maxRetries: 5 });
    }
  });
}
