/**
 * The five queries of issue 4, through the Jaeger HTTP API that Waymark and
 * Jaeger both serve (GET /api/traces/{id}, GET /api/traces?service=...), with
 * values taken from traces known to be stored, so that each query has matches.
 * Every query runs one at a time; latency is from sending the request to
 * having the whole response body.
 */
import { mulberry32 } from '../data/generator.ts';
import type { TraceTarget } from './dataset.ts';

/** The generator's first trace starts at 1.75e18 ns; the window covers a day from there (microseconds). */
const START_US = 1_750_000_000_000_000n;
const END_US = START_US + 86_400_000_000n;
const WINDOW = `start=${START_US}&end=${END_US}&limit=20`;

export type QueryKey = 'traceById' | 'service' | 'serviceOpDuration' | 'oneAttribute' | 'twoAttributes';

export const QUERY_LABELS: Record<QueryKey, string> = {
  traceById: 'trace by ID',
  service: 'search: service',
  serviceOpDuration: 'search: service + operation + min duration',
  oneAttribute: 'search: one attribute (app.user.id)',
  twoAttributes: 'search: two attributes (app.product.id + rpc.method)',
};

export const QUERY_KEYS = Object.keys(QUERY_LABELS) as QueryKey[];

/** Services and (service, operation, min duration) triples the searches cycle through; store-only.ts uses them too. */
export const SERVICES = ['frontend', 'cart', 'payment', 'product-catalog', 'shipping', 'currency'];
export const OPERATIONS: [string, string, string][] = [
  ['checkout', 'shop.CheckoutService/PlaceOrder', '30ms'],
  ['product-catalog', 'shop.ProductCatalogService/GetProduct', '20ms'],
  ['cart', 'shop.CartService/GetCart', '20ms'],
  ['payment', 'shop.PaymentService/Charge', '30ms'],
  ['frontend', 'GET /cart', '100ms'],
];

interface Query {
  path: string;
  /** A trace the answer must contain, if it is selective enough to be sure. */
  mustContain?: string;
  /** Spans that trace has (trace by ID). */
  spans?: number;
}

function build(key: QueryKey, i: number, t: TraceTarget): Query {
  switch (key) {
    case 'traceById':
      return { path: `/api/traces/${t.traceId}`, mustContain: t.traceId, spans: t.spans };
    case 'service':
      return { path: `/api/traces?service=${SERVICES[i % SERVICES.length]}&${WINDOW}` };
    case 'serviceOpDuration': {
      const [service, op, min] = OPERATIONS[i % OPERATIONS.length]!;
      return { path: `/api/traces?service=${service}&operation=${encodeURIComponent(op)}&minDuration=${min}&${WINDOW}` };
    }
    case 'oneAttribute':
      // A user has about one trace per 100k, so the newest 20 of theirs include this one (almost always).
      return { path: `/api/traces?service=frontend&tags=${encodeURIComponent(JSON.stringify({ 'app.user.id': t.user }))}&${WINDOW}`, mustContain: t.traceId };
    case 'twoAttributes':
      return {
        path: `/api/traces?service=product-catalog&tags=${encodeURIComponent(JSON.stringify({ 'app.product.id': t.product, 'rpc.method': t.productMethod }))}&${WINDOW}`,
      };
  }
}

export interface QueryStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers that were not 200, or missed the trace they had to contain. */
  bad: number;
  /** Mean number of traces per answer. */
  traces: number;
  firstError?: string;
}

export interface QueryPlan {
  maxQueries: number;
  /** Stop a kind after this long, once it ran at least `minQueries`. */
  budgetSeconds: number;
  minQueries: number;
  timeoutSeconds: number;
}

/** Runs every kind against `queryUrl`, using targets stored before `storedSpans`. */
export async function runQueries(queryUrl: string, targets: TraceTarget[], storedSpans: number, plan: QueryPlan, seed: number): Promise<Record<QueryKey, QueryStats>> {
  const usable = targets.filter((t) => t.completeAfter <= storedSpans && t.product !== '');
  if (usable.length === 0) throw new Error(`no query targets among the first ${storedSpans} spans`);
  const rand = mulberry32(seed);
  const out = {} as Record<QueryKey, QueryStats>;
  for (const key of QUERY_KEYS) {
    const times: number[] = [];
    let bad = 0;
    let traces = 0;
    let firstError: string | undefined;
    const t0 = performance.now();
    // One warm-up query per kind, not counted.
    for (let i = -1; i < plan.maxQueries; i++) {
      if (i >= plan.minQueries && performance.now() - t0 > plan.budgetSeconds * 1000) break;
      const target = usable[Math.floor(rand() * usable.length)]!;
      const q = build(key, i + 1, target);
      const started = performance.now();
      let status = 0;
      let body = '';
      try {
        const res = await fetch(queryUrl + q.path, { signal: AbortSignal.timeout(plan.timeoutSeconds * 1000) });
        status = res.status;
        body = await res.text();
      } catch (err) {
        body = String(err);
      }
      const ms = performance.now() - started;
      if (i < 0) continue;
      times.push(ms);
      const problem = check(status, body, q);
      if (problem.error !== undefined) {
        bad++;
        firstError ??= problem.error;
      }
      traces += problem.traces;
    }
    times.sort((a, b) => a - b);
    out[key] = { n: times.length, p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1]!, bad, traces: traces / times.length, firstError };
  }
  return out;
}

function check(status: number, body: string, q: Query): { error?: string; traces: number } {
  if (status !== 200) return { error: `${q.path} -> ${status}: ${body.slice(0, 200)}`, traces: 0 };
  let data: { traceID: string; spans: unknown[] }[];
  try {
    data = (JSON.parse(body) as { data: { traceID: string; spans: unknown[] }[] }).data ?? [];
  } catch {
    return { error: `${q.path}: answer is not JSON`, traces: 0 };
  }
  if (q.mustContain !== undefined) {
    const t = data.find((d) => d.traceID.replace(/^0+/, '') === q.mustContain!.replace(/^0+/, ''));
    if (t === undefined) return { error: `${q.path}: trace ${q.mustContain} missing`, traces: data.length };
    if (q.spans !== undefined && t.spans.length !== q.spans) return { error: `${q.path}: ${t.spans.length} spans, expected ${q.spans}`, traces: data.length };
  } else if (data.length === 0) {
    return { error: `${q.path}: no traces`, traces: 0 };
  }
  return { traces: data.length };
}

/** Nearest-rank percentile of sorted values. */
export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
