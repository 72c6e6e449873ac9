/**
 * The long fuzz run: every decoder (or those named with --target) in turn,
 * each in a worker thread for its share of --minutes, with a watchdog for
 * hangs and a heap cap for runaway memory. Prints inputs run, refusals,
 * crashes, hangs and memory failures per decoder; saves each distinct
 * failure's inputs under test/fuzz/corpus/<target>/ for replay:
 *
 *   npm run fuzz -- --minutes 20 [--target otlp-proto,zipkin-v2-json] [--seed 7] [--json out.json]
 *   npm run fuzz -- --replay test/fuzz/corpus/otlp-proto/<file>.json
 *
 * The test command replays every corpus file (test/fuzz/fuzz.test.ts), so a
 * saved input stays a regression test once its defect is fixed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { TARGETS } from '../test/fuzz/targets.ts';
import { describeOutcome, HANG_MS, loadInput, runOne, saveInput } from '../test/fuzz/target.ts';
import { inputAt, type WorkerData, type WorkerReport } from './fuzz-worker.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = path.join(ROOT, 'test/fuzz/corpus');
/** A worker stuck on one input this long is a hang (HANG_MS is what the in-process check reports; this catches true infinite loops). */
const WATCHDOG_MS = 4 * HANG_MS;
/** Inputs kept per distinct failure: enough to see the pattern. */
const KEEP_PER_SIGNATURE = 3;

interface Counts {
  target: string;
  inputs: number;
  ok: number;
  refused: number;
  crashes: number;
  hangs: number;
  memory: number;
  distinct: Map<string, { kind: string; detail: string; count: number; files: string[] }>;
  seconds: number;
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    target: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    replay: { type: 'string' },
  },
});

if (values.replay) {
  await replay(values.replay);
} else {
  const names = values.target ? values.target.split(',') : TARGETS.map((t) => t.name);
  for (const n of names) if (!TARGETS.some((t) => t.name === n)) throw new Error(`unknown target ${n}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  const perTargetMs = (Number(values.minutes) * 60_000) / names.length;
  console.log(`fuzz: ${names.length} target(s), ${(perTargetMs / 1000).toFixed(0)} s each, seed ${seed}, node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
  const results: Counts[] = [];
  for (const name of names) {
    const c = await fuzzTarget(name, seed, perTargetMs);
    results.push(c);
    printRow(c);
  }
  printSummary(results, seed);
  if (values.json) writeFileSync(values.json, JSON.stringify(results.map((r) => ({ ...r, distinct: [...r.distinct.entries()] })), null, 2));
}

async function fuzzTarget(name: string, seed: number, ms: number): Promise<Counts> {
  const c: Counts = { target: name, inputs: 0, ok: 0, refused: 0, crashes: 0, hangs: 0, memory: 0, distinct: new Map(), seconds: 0 };
  const started = Date.now();
  const until = started + ms;
  let from = 0;
  while (Date.now() < until) {
    const state = new SharedArrayBuffer(8);
    const slots = new Int32Array(state);
    const worker = new Worker(new URL('./fuzz-worker.ts', import.meta.url), {
      workerData: { target: name, seed, from, until, state } satisfies WorkerData,
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    let lastIndex = -1;
    let lastChange = Date.now();
    const ended = await new Promise<'done' | 'hang' | 'memory' | 'error'>((resolve) => {
      const watchdog = setInterval(() => {
        const i = Atomics.load(slots, 0);
        if (i !== lastIndex || Atomics.load(slots, 1) === 0) {
          lastIndex = i;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > WATCHDOG_MS) {
          clearInterval(watchdog);
          void worker.terminate().then(() => resolve('hang'));
        }
      }, 250);
      worker.on('message', (m: WorkerReport) => {
        if (m.type === 'progress') {
          c.inputs += m.ran;
          c.ok += m.ok;
          c.refused += m.refused;
        } else if (m.type === 'failure') {
          c.inputs++;
          record(c, m.kind, m.signature, m.detail, m.input);
        } else {
          clearInterval(watchdog);
          resolve('done');
        }
      });
      worker.on('error', (err: NodeJS.ErrnoException) => {
        clearInterval(watchdog);
        resolve(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'error');
        if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') console.error(`${name}: worker failed: ${err.stack}`);
      });
    });
    if (ended === 'done') break;
    if (ended === 'error') {
      from = Atomics.load(slots, 0) + 1;
      continue;
    }
    // The worker died on input `index`: rebuild it here and keep it.
    const index = Atomics.load(slots, 0);
    const target = TARGETS.find((t) => t.name === name)!;
    c.inputs++;
    record(c, ended, ended, ended === 'hang' ? `hang: no progress for ${WATCHDOG_MS} ms` : 'memory: worker heap limit reached', saveInput(inputAt(target.input, seed, index)));
    from = index + 1;
  }
  c.seconds = (Date.now() - started) / 1000;
  return c;
}

function record(c: Counts, kind: string, signature: string, detail: string, input: string): void {
  if (kind === 'crash') c.crashes++;
  else if (kind === 'hang') c.hangs++;
  else c.memory++;
  let d = c.distinct.get(signature);
  if (!d) c.distinct.set(signature, (d = { kind, detail, count: 0, files: [] }));
  d.count++;
  if (d.files.length < KEEP_PER_SIGNATURE) {
    const dir = path.join(CORPUS_DIR, c.target);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${kind}-${createHash('sha256').update(input).digest('hex').slice(0, 16)}.json`);
    writeFileSync(file, input);
    if (!d.files.includes(path.relative(ROOT, file))) d.files.push(path.relative(ROOT, file));
  }
}

function printRow(c: Counts): void {
  const rate = c.inputs / Math.max(1, c.seconds);
  console.log(
    `${c.target.padEnd(22)} ${String(c.inputs).padStart(9)} inputs (${rate.toFixed(0)}/s)  ok ${c.ok}  refused ${c.refused}  crashes ${c.crashes}  hangs ${c.hangs}  memory ${c.memory}`,
  );
  for (const [sig, d] of c.distinct) console.log(`    ${d.count} x ${sig}\n      ${d.detail.split('\n')[0]}\n      ${d.files.join('\n      ')}`);
}

function printSummary(results: Counts[], seed: number): void {
  const sum = (k: 'inputs' | 'crashes' | 'hangs' | 'memory') => results.reduce((n, r) => n + r[k], 0);
  console.log(`\ntotal: ${sum('inputs')} inputs, ${sum('crashes')} crashes, ${sum('hangs')} hangs, ${sum('memory')} memory failures (seed ${seed})`);
  console.log('\n| decoder | inputs | crashes | hangs | memory |\n|---|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.target} | ${r.inputs} | ${r.crashes} | ${r.hangs} | ${r.memory} |`);
}

async function replay(file: string): Promise<void> {
  const name = path.basename(path.dirname(file));
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`${file}: the folder must be a target name (${TARGETS.map((t) => t.name).join(', ')})`);
  const outcome = await runOne(target, loadInput(readFileSync(file, 'utf8')));
  console.log(`${name}: ${describeOutcome(outcome)}`);
  if (outcome.kind === 'refused') console.log(String((outcome.error as Error).message).slice(0, 500));
  if (outcome.kind === 'crash') console.log((outcome.error as Error).stack);
  process.exitCode = outcome.kind === 'ok' || outcome.kind === 'refused' ? 0 : 1;
}
