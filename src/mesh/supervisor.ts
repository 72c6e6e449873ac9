import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

/**
 * The demo's child processes: each writes to its own log file, and every one
 * is stopped (SIGTERM, then SIGKILL after a grace period) when the demo ends,
 * so Ctrl-C leaves nothing behind.
 */
export class Supervisor {
  readonly children: Supervised[] = [];
  private onExit: ((s: Supervised, code: number | null) => void) | undefined;

  /** Called when a child exits while the demo still runs. */
  watch(cb: (s: Supervised, code: number | null) => void): void {
    this.onExit = cb;
  }

  /** The first IPC message from a child that satisfies `match`, or undefined if it exits first. */
  static message<T>(s: Supervised, match: (m: unknown) => m is T): Promise<T | undefined> {
    return new Promise((resolve) => {
      const onMessage = (m: unknown) => {
        if (!match(m)) return;
        s.child.off('message', onMessage);
        resolve(m);
      };
      s.child.on('message', onMessage);
      void s.exited.then(() => resolve(undefined));
    });
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Supervised {
    const fd = openSync(logFile, 'w');
    // stdin is a pipe the child may watch: it closes if the demo dies without cleaning up.
    // An IPC channel too, for children that report back (Bookinfo apps send the port they bound).
    const child = spawn(command, args, { env, stdio: ['pipe', fd, fd, 'ipc'] });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const s: Supervised = { name, child, logFile, exited };
    child.once('exit', (code) => this.onExit?.(s, code));
    child.once('error', () => undefined);
    this.children.push(s);
    return s;
  }

  /** Stops these children together and waits for them; SIGKILL after `graceMs`. */
  async stop(which: Supervised[], graceMs = 8000): Promise<void> {
    const live = which.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
    for (const s of live) s.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const s of live) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(live.map((s) => s.exited));
    clearTimeout(timer);
  }

  /** Immediately kills every child still running (a second Ctrl-C, or a failed start). */
  killAll(): void {
    for (const s of this.children) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  }
}
