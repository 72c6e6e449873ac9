import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningWaymark } from '../support/waymark.ts';
import { nowNs, postOtlp, sleep, startEmbedded, traceBatch, tracesOf } from './support.ts';

/**
 * Rounds of ingest, `kill -9` (or SIGTERM) at a random moment, restart, on
 * the same data directory: the kill lands during start-up (WAL replay, attaching files),
 * while several OTLP clients send and a reader queries, during checkpoints
 * (a small checkpoint threshold) and around partition rollovers (2 s
 * partitions). Each restart must come up, serve, and hold every span
 * acknowledged before, each once. Used by crash-restart.test.ts (a few dozen
 * rounds) and scripts/crash-loop.ts (hundreds).
 */

export interface CrashLoopOptions {
  rounds: number;
  /** Rounds per data directory before starting a fresh one (each check reads everything acknowledged in it). */
  roundsPerDir?: number;
  senders?: number;
  /** Latest moment of a kill, ms (default 2500): smaller makes rounds shorter. */
  maxKillAfterMs?: number;
  /** Keep the data directory of a failed round for inspection. */
  keepFailedDirs?: boolean;
  onRound?: (r: RoundResult) => void;
}

export interface RoundResult {
  round: number;
  /** kill -9 counted from the spawn (mostly during start-up), kill -9 while ingesting, or SIGTERM counted from the spawn (which must exit 0). */
  phase: Phase;
  killAfterMs: number;
  ackedThisRound: number;
  /** Spans acknowledged in this data directory so far. */
  ackedInDir: number;
  failure?: string;
}

type Phase = 'startup' | 'ingest' | 'sigterm';

export interface CrashLoopResult {
  rounds: number;
  failures: RoundResult[];
  ms: number;
  acked: number;
}

const TRACES_PER_REQUEST = 5;
/** How long a round may last after its kill was due. */
const HANG_MS = 90_000;
const SPANS_PER_TRACE = 4;
// --query-max-limit 0: the check reads every trace of a sender in one search.
const ARGS = ['--partition-width', '2s', '--store-checkpoint-threshold', '256KB', '--batch-size', '512', '--query-max-limit', '0'];
// What a native abort prints (a C++ exception escaping an N-API callback, a failed assertion).
const NATIVE_CRASH = /terminate called|Napi::Error|Aborted|Assertion .* failed|Segmentation fault|INTERNAL Error/;

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopResult> {
  const started = Date.now();
  const perDir = options.roundsPerDir ?? 8;
  const senders = options.senders ?? 4;
  const maxKill = options.maxKillAfterMs ?? 2500;
  const failures: RoundResult[] = [];
  let dir = '';
  let acked = new Set<string>();
  let dirFailed = false;
  let inDir = 0;
  let total = 0;
  let last: RoundResult | undefined;
  const fail = (r: RoundResult, err: unknown) => {
    r.failure = `${(err as Error).message}\ndata dir: ${dir}`;
    if (!failures.includes(r)) failures.push(r);
    dirFailed = true;
  };
  // The start after a directory's last kill checks what that kill left; then the directory goes.
  const finishDir = async () => {
    if (!dir) return;
    if (!dirFailed && last) await verifyRestart(dir, acked, senders).catch((err: unknown) => fail(last!, err));
    if (!(dirFailed && options.keepFailedDirs)) rmSync(dir, { recursive: true, force: true });
    dir = '';
  };
  for (let round = 0; round < options.rounds; round++) {
    if (!dir || dirFailed || inDir === perDir) {
      await finishDir();
      dir = mkdtempSync(path.join(tmpdir(), 'waymark-crash-loop-'));
      acked = new Set();
      dirFailed = false;
      inDir = 0;
    }
    inDir++;
    const dice = Math.random();
    const phase: Phase = dice < 0.25 ? 'startup' : dice < 0.4 ? 'sigterm' : 'ingest';
    const killAfterMs = phase === 'ingest' ? 100 + Math.floor(Math.random() * maxKill) : Math.floor(Math.random() * (maxKill + 500));
    const result: RoundResult = { round, phase, killAfterMs, ackedThisRound: 0, ackedInDir: acked.size };
    try {
      result.ackedThisRound = await oneRound(dir, phase, killAfterMs, senders, acked);
      total += result.ackedThisRound;
    } catch (err) {
      fail(result, err);
    }
    result.ackedInDir = acked.size;
    last = result;
    options.onRound?.(result);
  }
  await finishDir();
  return { rounds: options.rounds, failures, ms: Date.now() - started, acked: total };
}

/**
 * Starts on `dir`, checks what earlier rounds acknowledged, ingests, and
 * kills after `killAfterMs`, counted from the spawn (start-up rounds) or
 * from the start of ingest. Returns the spans acknowledged this round.
 */
async function oneRound(dir: string, phase: Phase, killAfterMs: number, senders: number, acked: Set<string>): Promise<number> {
  let child: ChildProcess | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let w: RunningWaymark;
  try {
    w = await startEmbedded(dir, ARGS, {
      onSpawn: (c) => {
        child = c;
        if (phase !== 'ingest') killTimer = setTimeout(() => c.kill(phase === 'sigterm' ? 'SIGTERM' : 'SIGKILL'), killAfterMs);
      },
    });
  } catch (err) {
    clearTimeout(killTimer);
    // Stopped before it became healthy is the point of these rounds; anything else is a failure to start.
    if (phase === 'startup' && child?.signalCode === 'SIGKILL' && !NATIVE_CRASH.test((err as Error).message)) return 0;
    if (phase === 'sigterm' && stoppedCleanly(child!) && !NATIVE_CRASH.test((err as Error).message)) return 0;
    throw new Error(`did not start: ${(err as Error).message.slice(-4000)}`);
  }
  const proc = w.process;
  const ended = () => proc.exitCode !== null || proc.signalCode !== null;
  const exited = new Promise<void>((resolve) => (ended() ? resolve() : proc.once('exit', () => resolve())));
  const kill = () => {
    if (!ended()) proc.kill('SIGKILL');
  };
  let stop = false;
  try {
    if (phase === 'ingest') {
      await verify(w, acked, senders);
      killTimer = setTimeout(kill, killAfterMs);
    }
    let ackedThisRound = 0;
    const prefix = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
    const clients = Array.from({ length: senders }, async (_, sender) => {
      for (let batch = 0; !stop && !ended(); batch++) {
        const spans = traceBatch(`crash-${sender}`, `${prefix}${sender.toString(16)}${batch.toString(16).padStart(6, '0')}`, TRACES_PER_REQUEST, SPANS_PER_TRACE, nowNs());
        const status = await postOtlp(w.ports.otlpHttp, spans);
        if (status >= 200 && status < 300) {
          for (const s of spans) acked.add(`${s.traceId}/${s.spanId}`);
          ackedThisRound += spans.length;
        } else if (status !== 0 && status !== 503 && status !== 429) {
          throw new Error(`OTLP/HTTP answered ${status}`);
        }
      }
    });
    // A reader too, so the kill also lands while queries hold connections.
    const reader = (async () => {
      while (!stop && !ended()) {
        await fetch(`${w.queryUrl}/api/traces?service=crash-0&limit=20&lookback=1h`).then((r) => r.arrayBuffer()).catch(() => undefined);
        await sleep(50);
      }
    })();
    // A SIGTERM must end the process (the queue drains, the store closes), not leave it serving.
    let hung = false;
    const hangTimer = setTimeout(() => {
      hung = true;
      kill();
    }, HANG_MS);
    await exited;
    clearTimeout(hangTimer);
    stop = true;
    await Promise.all([...clients, reader]);
    if (hung) throw new Error(`still running ${HANG_MS / 1000} s after ${phase === 'sigterm' ? 'SIGTERM' : 'the kill was due'}`);
    const expected = phase === 'sigterm' ? stoppedCleanly(proc) : proc.signalCode === 'SIGKILL';
    if (!expected || NATIVE_CRASH.test(w.output())) {
      throw new Error(`the process ended by itself (${proc.signalCode ?? `exit code ${proc.exitCode}`}):\n${w.output().slice(-4000)}`);
    }
    return ackedThisRound;
  } catch (err) {
    stop = true;
    const before = ended() ? (proc.signalCode ?? `exit code ${proc.exitCode}`) : 'running';
    kill();
    await exited;
    const cause = err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ''}` : String(err);
    throw new Error(`${cause}\nthe process was ${before}; its output:\n${w.output().slice(-4000)}`);
  } finally {
    clearTimeout(killTimer);
  }
}

/** SIGTERM ends the process with 0, or by the signal itself when it came before the handler was installed. */
function stoppedCleanly(p: ChildProcess): boolean {
  return p.exitCode === 0 || p.signalCode === 'SIGTERM';
}

/** Every span acknowledged in this directory is found, once; damage reported after a kill -9 is a failure too. */
async function verify(w: RunningWaymark, acked: Set<string>, senders: number): Promise<void> {
  if (/damaged|unreadable/i.test(w.output())) throw new Error(`the store reported damage after a kill -9:\n${w.output().slice(-4000)}`);
  if (acked.size === 0) return;
  const stored = new Set<string>();
  for (let sender = 0; sender < senders; sender++) {
    for (const trace of await tracesOf(w.queryUrl, `crash-${sender}`)) {
      const traceId = trace.traceID.padStart(32, '0');
      for (const s of trace.spans) {
        const key = `${traceId}/${s.spanID}`;
        if (stored.has(key)) throw new Error(`span ${key} is stored twice`);
        stored.add(key);
      }
    }
  }
  const lost = [...acked].filter((k) => !stored.has(k));
  if (lost.length > 0) throw new Error(`${lost.length} of ${acked.size} acknowledged spans are missing after kill -9 (e.g. ${lost.slice(0, 3).join(', ')})`);
}

/** A clean start, check and stop after the directory's last kill. */
async function verifyRestart(dir: string, acked: Set<string>, senders: number): Promise<void> {
  const w = await startEmbedded(dir, ARGS);
  try {
    await verify(w, acked, senders);
  } finally {
    const code = await w.stop();
    if (code !== 0) throw new Error(`stopping after the last check exited ${code}:\n${w.output().slice(-4000)}`);
  }
}
