import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { TARGETS } from './targets.ts';
import { describeOutcome, loadInput, runOne, saveInput } from './target.ts';

/**
 * The short fuzz run of the test command: a couple of hundred
 * structure-aware inputs per decoder, from a fixed seed so every run (and
 * CI) checks the same inputs, then every input a long run (`npm run fuzz`)
 * saved in corpus/<target>/. FUZZ_SEED=<n> runs another seed (fast-check
 * prints the seed and path of a failure, and shrinks it); FUZZ_RUNS=<n>
 * changes the count.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

for (const target of TARGETS) {
  test(`fuzz ${target.name}: returns or refuses with a classified error (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        const outcome = await runOne(target, input);
        if (outcome.kind !== 'ok' && outcome.kind !== 'refused') {
          throw new Error(`${describeOutcome(outcome)}\ninput: ${saveInput(input).slice(0, 2000)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  const rt = target.roundTrip;
  if (rt) {
    test(`fuzz ${target.name}: valid inputs round-trip (seed ${SEED})`, () => {
      fc.assert(fc.property(rt.input, (v) => rt.check(v)), { seed: SEED, numRuns: Math.ceil(RUNS / 4) });
    });
  }

  const dir = path.join(CORPUS, target.name);
  const saved = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (saved.length > 0) {
    test(`fuzz ${target.name}: the ${saved.length} input(s) a long run saved are handled`, async () => {
      for (const file of saved) {
        const outcome = await runOne(target, loadInput(readFileSync(path.join(dir, file), 'utf8')));
        if (outcome.kind !== 'ok' && outcome.kind !== 'refused') throw new Error(`corpus/${target.name}/${file}: ${describeOutcome(outcome)}`);
      }
    });
  }
}
