/**
 * One fuzz target in a worker thread, for scripts/fuzz.ts: input i is
 * generated from seed + i alone (so the parent can rebuild the input a hung
 * worker was stuck on), run, and reported when it is not a plain return or
 * classified refusal. Slot 0 of the shared array holds the index of the input
 * running, slot 1 is 1 while one runs.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { TARGETS } from '../test/fuzz/targets.ts';
import { describeOutcome, runOne, saveInput } from '../test/fuzz/target.ts';

export interface WorkerData {
  target: string;
  seed: number;
  from: number;
  /** Stop after this wall time (ms since the epoch). */
  until: number;
  state: SharedArrayBuffer;
}

export type WorkerReport =
  | { type: 'failure'; index: number; kind: string; signature: string; detail: string; input: string }
  | { type: 'progress'; ran: number; ok: number; refused: number }
  | { type: 'done' };

export function inputAt<T>(arb: fc.Arbitrary<T>, seed: number, index: number): T {
  return fc.sample(arb, { seed: (seed + index) | 0, numRuns: 1 })[0]!;
}

/** What makes two failures the same defect: the error type, its message without numbers, and the frame that threw. */
export function signatureOf(kind: string, error: unknown): string {
  if (kind !== 'crash') return kind;
  const e = error as Error;
  const frame = String(e?.stack ?? '').split('\n').find((l) => l.includes('/src/')) ?? '';
  return `${e?.constructor?.name ?? typeof e}: ${String(e?.message ?? e).replace(/\d+/g, 'N').slice(0, 120)} ${frame.trim().replace(/:\d+\)?$/, '')}`;
}

async function main(): Promise<void> {
  const data = workerData as WorkerData;
  const target = TARGETS.find((t) => t.name === data.target);
  if (!target) throw new Error(`no fuzz target ${data.target}`);
  const state = new Int32Array(data.state);
  let ran = 0;
  let ok = 0;
  let refused = 0;
  let lastReport = Date.now();
  for (let i = data.from; Date.now() < data.until; i++) {
    const input = inputAt(target.input, data.seed, i);
    Atomics.store(state, 0, i);
    Atomics.store(state, 1, 1);
    const outcome = await runOne(target, input);
    Atomics.store(state, 1, 0);
    ran++;
    if (outcome.kind === 'ok') ok++;
    else if (outcome.kind === 'refused') refused++;
    else {
      const report: WorkerReport = {
        type: 'failure',
        index: i,
        kind: outcome.kind,
        signature: signatureOf(outcome.kind, outcome.kind === 'crash' ? outcome.error : undefined),
        detail: describeOutcome(outcome),
        input: saveInput(input),
      };
      parentPort!.postMessage(report);
    }
    if (Date.now() - lastReport > 1000) {
      parentPort!.postMessage({ type: 'progress', ran, ok, refused } satisfies WorkerReport);
      ran = ok = refused = 0;
      lastReport = Date.now();
    }
  }
  parentPort!.postMessage({ type: 'progress', ran, ok, refused } satisfies WorkerReport);
  parentPort!.postMessage({ type: 'done' } satisfies WorkerReport);
}

// The parent imports inputAt from here too.
if (!isMainThread) await main();
