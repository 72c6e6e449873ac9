// The long run of the kill -9 loop (test/storage/crash-loop.ts): ROUNDS rounds of ingest, kill -9
// at a random moment, restart and check. Prints each round, then a summary line; keeps the data
// directory of a failed round for inspection. Usage: node scripts/crash-loop.ts [rounds=300]
import { runCrashLoop } from '../test/storage/crash-loop.ts';

const rounds = Number(process.argv[2] ?? 300);
const result = await runCrashLoop({
  rounds,
  keepFailedDirs: true,
  onRound: (r) => {
    const line = `${new Date().toISOString()} round ${r.round} ${r.phase} kill@${r.killAfterMs}ms acked ${r.ackedThisRound} (dir ${r.ackedInDir})`;
    console.log(r.failure ? `${line} FAILED: ${r.failure}` : line);
  },
});
console.log(JSON.stringify({ rounds: result.rounds, failures: result.failures.length, minutes: +(result.ms / 60_000).toFixed(1), acked: result.acked }));
process.exitCode = result.failures.length > 0 ? 1 : 0;
