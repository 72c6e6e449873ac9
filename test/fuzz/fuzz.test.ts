import { test } from 'node:test';
import fc from 'fast-check';
import { TARGETS } from './targets.ts';
import { describeOutcome, runOne, saveInput } from './target.ts';

/**
 * The short fuzz run of the test command: a few hundred structure-aware
 * inputs per decoder, from a fixed seed so every run (and CI) checks the same
 * inputs. FUZZ_SEED=<n> replays another seed, e.g. one printed by
 * `npm run fuzz`; FUZZ_RUNS=<n> changes the count.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

for (const target of TARGETS) {
  test(`fuzz ${target.name}: returns or refuses with a classified error (seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(target.input, async (input) => {
        const outcome = await runOne(target, input);
        if (outcome.kind !== 'ok' && outcome.kind !== 'refused') {
          throw new Error(`${describeOutcome(outcome)}\ninput: ${saveInput(input).slice(0, 2000)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
  });

  const rt = target.roundTrip;
  if (rt) {
    test(`fuzz ${target.name}: valid inputs round-trip (seed ${SEED})`, () => {
      fc.assert(fc.property(rt.input, (v) => rt.check(v)), { seed: SEED, numRuns: Math.ceil(RUNS / 3) });
    });
  }
}
