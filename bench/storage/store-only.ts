/**
 * The embedded store alone, in this process, without HTTP or OTLP decoding:
 * writes the generator's spans in 8192-span batches (the pipeline's batch
 * size), then times the five queries of issue 4 through the store's reader
 * interface, as the query service calls it (findTraces returns whole traces).
 * Used to see where a change in src/storage/embedded moves the figures before
 * running the full side-by-side benchmark (run.ts).
 *
 *   npm run bench:store-only -- --spans 10000000 [--dir DIR] [--store-memory 512MB]
 *
 * With --dir and --queries-only it times the queries on a directory written before.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseGoDuration } from '../../src/model/time.ts';
import type { TraceQuery } from '../../src/storage/api/query.ts';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.ts';
import { ShopTraffic } from '../data/generator.ts';
import { OPERATIONS, SERVICES } from './queries.ts';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    dir: { type: 'string' },
    'store-memory': { type: 'string', default: '512MB' },
    'queries-only': { type: 'boolean', default: false },
    queries: { type: 'string', default: '30' },
  },
});
const HOUR = 3_600_000_000_000n;
const dir = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'waymark-store-only-'));
const open = () => EmbeddedStore.open({ dataDir: dir, retention: 100_000n * 24n * HOUR, memoryLimit: values['store-memory'], logger: pino({ level: 'warn' }) });

interface Target {
  traceId: string;
  spans: number;
  user?: string;
  product?: string;
  method?: string;
}
const targetsFile = path.join(dir, 'targets.json');

if (!values['queries-only']) {
  const total = Number(values.spans);
  const traffic = new ShopTraffic({ seed: 42 });
  const store = await open();
  const targets: Target[] = [];
  let written = 0;
  let generateMs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (written < total) {
    const g = performance.now();
    const batch = traffic.spans(8192);
    generateMs += performance.now() - g;
    // One trace in every 20 batches becomes a query target.
    if (targets.length * 20 <= written / 8192) {
      const id = batch[0]!.traceId;
      const spans = batch.filter((s) => s.traceId === id);
      const attrs = spans.flatMap((s) => s.attributes);
      const product = spans.find((s) => s.attributes.some((a) => a.key === 'app.product.id'));
      const value = (list: typeof attrs | undefined, key: string) => list?.find((a) => a.key === key)?.value as string | undefined;
      targets.push({ traceId: id, spans: spans.length, user: value(attrs, 'app.user.id'), product: value(product?.attributes, 'app.product.id'), method: value(product?.attributes, 'rpc.method') });
    }
    await store.writeSpans(batch);
    written += batch.length;
  }
  const cpu = process.cpuUsage(cpu0);
  // Generation runs on this thread too; its time is taken out of both figures (as wall time, close to its CPU time).
  const seconds = (performance.now() - t0 - generateMs) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 - generateMs / 1000;
  console.log(`write: ${written} spans, ${Math.round(written / seconds)} spans/s, ${Math.round(written / cpuSeconds)} spans per CPU-second (main thread + store worker + DuckDB), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  await store.close();
  const bytes = readdirSync(dir).filter((f) => f.startsWith('spans-')).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  console.log(`disk: ${(bytes / written).toFixed(1)} bytes/span`);
  writeFileSync(targetsFile, JSON.stringify(targets));
}

const targets = JSON.parse(readFileSync(targetsFile, 'utf8')) as Target[];
const store = await open();
const start = 1_750_000_000_000_000_000n; // the generator's first trace
const base: TraceQuery = { tags: [], limit: 20, startTimeMin: start, startTimeMax: start + 24n * HOUR };
const n = Number(values.queries);
const pick = <T>(list: T[], i: number): T => list[(i * 7919) % list.length]!;
async function time(name: string, fn: (i: number) => Promise<number>): Promise<void> {
  const ms: number[] = [];
  let results = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    results += await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} p50 ${ms[Math.floor(n / 2)]!.toFixed(1).padStart(7)} ms  p99 ${ms[Math.floor(n * 0.99)]!.toFixed(1).padStart(7)} ms  (${(results / n).toFixed(1)} traces per answer)`);
}
const users = targets.filter((t) => t.user);
const products = targets.filter((t) => t.product && t.method);
await time('trace by ID', async (i) => {
  const t = pick(targets, i);
  const spans = await store.getTrace({ traceId: t.traceId });
  if (spans.length !== t.spans) throw new Error(`trace ${t.traceId}: ${spans.length} spans, expected ${t.spans}`);
  return 1;
});
await time('service', async (i) => (await store.findTraces({ ...base, service: SERVICES[i % SERVICES.length]! })).length);
await time('service + operation + duration', async (i) => {
  const [service, operation, min] = OPERATIONS[i % OPERATIONS.length]!;
  return (await store.findTraces({ ...base, service, operation, durationMin: parseGoDuration(min)! })).length;
});
await time('one attribute', async (i) => (await store.findTraces({ ...base, service: 'frontend', tags: [{ key: 'app.user.id', op: 'equals', value: pick(users, i).user! }] })).length);
await time('two attributes', async (i) => {
  const t = pick(products, i);
  return (await store.findTraces({ ...base, service: 'product-catalog', tags: [{ key: 'app.product.id', op: 'equals', value: t.product! }, { key: 'rpc.method', op: 'equals', value: t.method! }] })).length;
});
await store.close();
if (!values.dir) rmSync(dir, { recursive: true, force: true });
