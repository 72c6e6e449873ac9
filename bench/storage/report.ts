/** The results of one run, and the side-by-side table with the ratios Waymark / Jaeger. */
import type { Machine } from './proc.ts';
import { QUERY_KEYS, QUERY_LABELS, type QueryKey, type QueryStats } from './queries.ts';

export interface IngestFigures {
  spans: number;
  seconds: number;
  cpuSeconds: number;
  spansPerSecond: number;
  cpuSecondsPer100k: number;
  spansPerCpuSecond: number;
  retries: number;
}

export interface SizeResult {
  /** The size asked for (--sizes). */
  size: number;
  /** Spans stored when the idle queries ran. */
  storedSpans: number;
  ingest: IngestFigures;
  idle: Record<QueryKey, QueryStats>;
  loaded: Record<QueryKey, QueryStats>;
  /** The paced load during the loaded queries. */
  load: { targetSpansPerSecond: number; reachedSpansPerSecond: number; spans: number; exhausted: boolean };
  rssMiBAfterIngest: number;
  /** Highest VmRSS sampled while the loaded queries ran. */
  rssMiBWhileLoaded: number;
}

export interface PeerResult {
  name: string;
  version: string;
  sizes: SizeResult[];
  /** Every full-speed phase together. */
  ingest: IngestFigures;
  peakRssMiB: number;
  storedSpans: number;
  disk?: { allocated: number; apparent: number; bytesPerSpan: number; apparentBytesPerSpan: number };
  /** Sizes this peer was not run at, and why. */
  skipped: string[];
  loadStart: string;
  loadEnd: string;
  seconds: number;
  /** Why the run of this peer ended early, if it did. */
  error?: string;
}

export interface RunResult {
  date: string;
  command: string;
  machine: Machine;
  git: string;
  seed: number;
  batch: number;
  connections: number;
  peers: PeerResult[];
  seconds: number;
}

type Better = 'higher' | 'lower';

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}`;
}

function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

function sizeLabel(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)}M` : `${Math.round(n / 1000)}k`;
}

/** Markdown table: one row per figure, a column per peer, and Waymark / peer for each Jaeger peer. */
export function table(run: RunResult, sizes: number[]): string {
  const [w, ...others] = run.peers;
  if (w === undefined) return '';
  const head = ['figure', ...run.peers.map((p) => p.name), ...others.map((o) => `${w.name} / ${o.name}`), 'better'];
  const rows: string[][] = [];
  const add = (label: string, better: Better, get: (p: PeerResult) => number | undefined, digits = 1): void => {
    const vals = run.peers.map(get);
    rows.push([label, ...vals.map((v) => fmt(v, digits)), ...others.map((o) => ratio(get(w), get(o))), better]);
  };
  add('ingest, spans/s (all full-speed phases)', 'higher', (p) => p.ingest.spansPerSecond, 0);
  add('ingest, server CPU s per 100k spans', 'lower', (p) => p.ingest.cpuSecondsPer100k, 2);
  add('ingest, spans per server CPU-second', 'higher', (p) => p.ingest.spansPerCpuSecond, 0);
  add('peak RSS, MiB (VmHWM)', 'lower', (p) => p.peakRssMiB, 0);
  add('disk, bytes/span (allocated, after stop)', 'lower', (p) => p.disk?.bytesPerSpan, 1);
  for (const size of sizes) {
    const at = (p: PeerResult): SizeResult | undefined => p.sizes.find((s) => s.size === size);
    add(`${sizeLabel(size)}: ingest spans/s up to this size`, 'higher', (p) => at(p)?.ingest.spansPerSecond, 0);
    add(`${sizeLabel(size)}: RSS while loaded, MiB`, 'lower', (p) => at(p)?.rssMiBWhileLoaded, 0);
    for (const mode of ['idle', 'loaded'] as const) {
      for (const key of QUERY_KEYS) {
        for (const q of ['p50', 'p99'] as const) {
          add(`${sizeLabel(size)} ${mode}: ${QUERY_LABELS[key]} ${q}, ms`, 'lower', (p) => at(p)?.[mode][key][q], 1);
        }
      }
    }
  }
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Per peer and size: how many queries ran, answers that were wrong, traces per answer, and the load reached. */
export function details(run: RunResult): string {
  const out: string[] = [];
  for (const p of run.peers) {
    out.push(`${p.name} (${p.version}): ${p.storedSpans} spans stored in the end, ${fmt(p.seconds, 0)} s, load average ${p.loadStart} -> ${p.loadEnd}`);
    for (const s of p.sizes) {
      out.push(
        `  at ${sizeLabel(s.storedSpans)}: ingest ${fmt(s.ingest.spansPerSecond, 0)} spans/s, ${fmt(s.ingest.cpuSecondsPer100k, 2)} CPU-s/100k, ${s.ingest.retries} push-backs; ` +
          `loaded at ${fmt(s.load.reachedSpansPerSecond, 0)} spans/s (target ${fmt(s.load.targetSpansPerSecond, 0)}${s.load.exhausted ? ', data ran out' : ''})`,
      );
      for (const mode of ['idle', 'loaded'] as const) {
        for (const key of QUERY_KEYS) {
          const q = s[mode][key];
          out.push(`    ${mode} ${QUERY_LABELS[key]}: n=${q.n} p50=${fmt(q.p50)} p99=${fmt(q.p99)} max=${fmt(q.max)} ms, ${fmt(q.traces)} traces/answer${q.bad ? `, ${q.bad} bad (${q.firstError})` : ''}`);
        }
      }
    }
    for (const s of p.skipped) out.push(`  skipped: ${s}`);
    if (p.error !== undefined) out.push(`  FAILED: ${p.error}`);
  }
  return out.join('\n');
}
