/**
 * Storage benchmark of issue 4: Waymark's embedded store side by side with
 * Jaeger v2 on Badger and on its memory store, in one run, with the same spans
 * (bench/data/generator.ts, cached as OTLP/HTTP protobuf bodies).
 *
 * For each peer in turn (one at a time, so they do not share the 2 cores):
 *   for each size (default 1M, then 10M stored spans):
 *     ingest at full speed up to the size; end to end = until the server's own
 *       metrics say every span reached its store;
 *     the five queries, idle;
 *     the five queries again while spans arrive at half the rate just measured;
 *   stop it (SIGTERM: stores flush and close) and measure its data directory.
 * Then a table of every figure with the ratio Waymark / Jaeger.
 *
 *   npm run bench:storage -- --sizes 1000000,10000000
 *   npm run bench:storage -- --sizes 200000 --peers waymark,jaeger-badger   # a quick look
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetReader, ensureDataset } from './dataset.ts';
import { ensureJaegerBinary, jaegerVersion, startJaeger } from './jaeger.ts';
import { startWaymarkEmbedded, type Peer } from './peer.ts';
import { cpuSeconds, dirBytes, loadAverage, machine, peakRssMiB, rssMiB } from './proc.ts';
import { runQueries, type QueryPlan } from './queries.ts';
import { details, table, type IngestFigures, type PeerResult, type RunResult, type SizeResult } from './report.ts';
import { Sender } from './sender.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    peers: { type: 'string', default: 'waymark,jaeger-badger,jaeger-memory' },
    'jaeger-memory-max-spans': { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    batch: { type: 'string', default: '512' },
    connections: { type: 'string', default: '16' },
    queries: { type: 'string', default: '50' },
    'query-budget': { type: 'string', default: '15' },
    'query-timeout': { type: 'string', default: '60' },
    'load-fraction': { type: 'string', default: '0.5' },
    'work-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const sizes = values.sizes.split(',').map((s) => Number(s.trim())).sort((a, b) => a - b);
if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) throw new Error(`--sizes: "${values.sizes}" is not a list of span counts`);
const peerNames = values.peers.split(',').map((s) => s.trim());
const seed = Number(values.seed);
const batch = Number(values.batch);
const connections = Number(values.connections);
const loadFraction = Number(values['load-fraction']);
const memoryMax = Number(values['jaeger-memory-max-spans']);
const plan: QueryPlan = { maxQueries: Number(values.queries), budgetSeconds: Number(values['query-budget']), minQueries: 5, timeoutSeconds: Number(values['query-timeout']) };

/** The commit, and whether the embedded store had uncommitted changes (it is worked on while benchmarks run). */
function gitState(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', 'src/storage'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
  return `${head}${dirty ? ` + ${dirty} uncommitted file(s) in src/storage` : ''}`;
}
const git = gitState();

const log = (s: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const runStart = performance.now();

// Room for the load sent during the loaded queries after the largest size.
const datasetSpans = Math.ceil((sizes[sizes.length - 1]! * 1.25) / batch) * batch;
const file = ensureDataset(seed, datasetSpans, batch, log);
if (peerNames.some((p) => p.startsWith('jaeger'))) ensureJaegerBinary(log);
const workDir = values['work-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'waymark-bench-run-'));
mkdirSync(workDir, { recursive: true });
log(`work dir ${workDir}; load average ${loadAverage()}`);

const results: PeerResult[] = [];
for (const name of peerNames) results.push(await benchPeer(name));

const run: RunResult = {
  date: new Date().toISOString(),
  command: `npm run bench:storage -- ${process.argv.slice(2).join(' ')}`.trim(),
  machine: machine(),
  git,
  seed,
  batch,
  connections,
  peers: results,
  seconds: (performance.now() - runStart) / 1000,
};
const m = run.machine;
console.log(`\n## Storage benchmark, ${run.date}`);
console.log(`machine: ${m.cpus} CPUs, ${m.model}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}; load average at the end ${loadAverage()}`);
console.log(`code: ${git}; ${results.map((p) => `${p.name} = ${p.version}`).join(', ')}`);
console.log(`data: bench/data/generator.ts seed ${seed}, OTLP/HTTP protobuf bodies of ${batch} spans, ${connections} connections; run took ${Math.round(run.seconds)} s\n`);
console.log(table(run, sizes));
console.log(`\nratio = ${results[0]?.name} / other; "better" says which direction favours a peer.\n`);
console.log(details(run));
const jsonFile = values.json ?? path.join(workDir, 'results.json');
writeFileSync(jsonFile, JSON.stringify(run, null, 2));
console.log(`\nresults: ${jsonFile}`);
if (!values.keep) {
  for (const p of results) rmSync(path.join(workDir, p.name), { recursive: true, force: true });
}

async function startPeer(name: string, dir: string): Promise<{ peer: Peer; version: string; maxSpans: number; why?: string }> {
  mkdirSync(dir, { recursive: true });
  switch (name) {
    case 'waymark':
      return { peer: await startWaymarkEmbedded(name, path.join(dir, 'data')), version: 'embedded store (this checkout)', maxSpans: Infinity };
    case 'jaeger-badger':
      return { peer: await startJaeger(name, { kind: 'badger', dir: path.join(dir, 'badger') }, dir), version: `Jaeger ${jaegerVersion()}, Badger`, maxSpans: Infinity };
    case 'jaeger-memory':
      return {
        peer: await startJaeger(name, { kind: 'memory', maxTraces: Math.ceil((memoryMax * 1.5) / 4) }, dir),
        version: `Jaeger ${jaegerVersion()}, memory`,
        maxSpans: memoryMax,
        why: `--jaeger-memory-max-spans ${memoryMax}: the memory store keeps every span as Go objects in RAM (see its RSS at the largest size run); more would crowd the shared machine`,
      };
    default:
      throw new Error(`unknown peer "${name}" (waymark, jaeger-badger, jaeger-memory)`);
  }
}

async function benchPeer(name: string): Promise<PeerResult> {
  const t0 = performance.now();
  const loadStart = loadAverage();
  const dir = path.join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  const { peer, version, maxSpans, why } = await startPeer(name, dir);
  log(`${name} (${version}) started, pid ${peer.pid}; load average ${loadStart}`);
  const reader = new DatasetReader(file);
  const sender = new Sender(peer, connections);
  const sizeResults: SizeResult[] = [];
  const skipped: string[] = [];
  const total: IngestFigures = { spans: 0, seconds: 0, cpuSeconds: 0, spansPerSecond: 0, cpuSecondsPer100k: 0, spansPerCpuSecond: 0, retries: 0 };
  let error: string | undefined;
  try {
    for (const size of sizes) {
      if (size > maxSpans) {
        skipped.push(`${size} spans: ${why}`);
        continue;
      }
      if (reader.taken >= size) {
        skipped.push(`${size} spans: the loaded phase of a smaller size already sent ${reader.taken}`);
        continue;
      }
      log(`${name}: ingesting up to ${size} spans at full speed ...`);
      const ingest = await fullSpeed(peer, sender, reader, size);
      for (const k of ['spans', 'seconds', 'cpuSeconds', 'retries'] as const) total[k] += ingest[k];
      log(`${name}: ${ingest.spans} spans in ${ingest.seconds.toFixed(1)} s = ${Math.round(ingest.spansPerSecond)} spans/s, ${ingest.cpuSecondsPer100k.toFixed(2)} CPU-s/100k; RSS ${Math.round(rssMiB(peer.pid))} MiB`);
      const stored = reader.taken;
      const rssAfter = rssMiB(peer.pid);
      log(`${name}: queries at ${stored} spans, idle ...`);
      const idle = await runQueries(peer.queryUrl, reader.header.targets, stored, plan, seed + size);
      const target = ingest.spansPerSecond * loadFraction;
      log(`${name}: queries while ingesting at ${Math.round(target)} spans/s ...`);
      const load = sender.paced(reader, target, 2);
      let rssLoaded = 0;
      const sampler = setInterval(() => (rssLoaded = Math.max(rssLoaded, rssMiB(peer.pid))), 500);
      // The same targets as idle (stored before the load began), so the answers are comparable.
      const loaded = await runQueries(peer.queryUrl, reader.header.targets, stored, plan, seed + size);
      clearInterval(sampler);
      const sent = await load.stop();
      await drain(peer, reader.taken);
      sizeResults.push({
        size,
        storedSpans: stored,
        ingest,
        idle,
        loaded,
        load: { targetSpansPerSecond: target, reachedSpansPerSecond: sent.spans / sent.seconds, spans: sent.spans, exhausted: sent.exhausted },
        rssMiBAfterIngest: rssAfter,
        rssMiBWhileLoaded: rssLoaded,
      });
      log(`${name}: loaded phase sent ${sent.spans} spans at ${Math.round(sent.spans / sent.seconds)} spans/s`);
    }
  } catch (err) {
    // One peer failing (or hanging) must not lose the others' figures.
    error = (err as Error).message;
    log(`${name}: FAILED: ${error}\n${peer.output().slice(-3000)}`);
  } finally {
    sender.close();
  }
  total.spansPerSecond = total.spans / total.seconds;
  total.cpuSecondsPer100k = (total.cpuSeconds / total.spans) * 100_000;
  total.spansPerCpuSecond = total.spans / total.cpuSeconds;
  let peakRss = NaN;
  try {
    peakRss = peakRssMiB(peer.pid);
  } catch {
    // the process is gone
  }
  const storedSpans = reader.taken;
  reader.close();
  log(`${name}: stopping (flush and close) ...`);
  const stopStart = performance.now();
  await peer.stop();
  log(`${name}: stopped in ${((performance.now() - stopStart) / 1000).toFixed(1)} s`);
  let disk: PeerResult['disk'];
  if (peer.dataDir !== undefined) {
    const d = dirBytes(peer.dataDir);
    disk = { ...d, bytesPerSpan: d.allocated / storedSpans, apparentBytesPerSpan: d.apparent / storedSpans };
    log(`${name}: ${(d.allocated / 2 ** 20).toFixed(1)} MiB on disk for ${storedSpans} spans = ${disk.bytesPerSpan.toFixed(1)} bytes/span`);
  }
  return { name, version, sizes: sizeResults, ingest: total, peakRssMiB: peakRss, storedSpans, disk, skipped, loadStart, loadEnd: loadAverage(), seconds: (performance.now() - t0) / 1000, error };
}

/** Full speed up to `size` spans; the clock and the CPU reading stop once the store has them all. */
async function fullSpeed(peer: Peer, sender: Sender, reader: DatasetReader, size: number): Promise<IngestFigures> {
  const before = reader.taken;
  const retries0 = sender.retries;
  const cpu0 = cpuSeconds(peer.pid);
  const t0 = performance.now();
  const progress = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    log(`${peer.name}:   ${reader.taken} spans sent, ${Math.round((reader.taken - before) / s)} spans/s so far, RSS ${Math.round(rssMiB(peer.pid))} MiB`);
  }, 60_000);
  try {
    await sender.fullSpeed(reader, size, connections);
    await drain(peer, reader.taken);
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(peer.pid) - cpu0;
  const spans = reader.taken - before;
  return { spans, seconds, cpuSeconds: cpu, spansPerSecond: spans / seconds, cpuSecondsPer100k: (cpu / spans) * 100_000, spansPerCpuSecond: spans / cpu, retries: sender.retries - retries0 };
}

/** Waits until the server's metrics count `spans` written to its store. */
async function drain(peer: Peer, spans: number): Promise<void> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const stored = await peer.storedSpans();
    if (stored >= spans) return;
    if (stored !== last) {
      last = stored;
      since = performance.now();
    } else if (performance.now() - since > 60_000) {
      log(`${peer.name}: WARNING its metrics count ${stored} spans written of ${spans} sent, and no progress for 60 s`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
