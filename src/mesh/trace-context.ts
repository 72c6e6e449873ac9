import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** What a proxy reads from a request: the caller's span, if any, and its sampling decision. */
export interface IncomingContext {
  /** 32 hex; '' when the request carries no trace. */
  traceId: string;
  /** The caller's span (becomes our parent); '' when none. */
  parentSpanId: string;
  /** The upstream decision; undefined when the caller left it to us. */
  sampled: boolean | undefined;
  traceState: string;
}

const HEX16 = /^[0-9a-f]{16}$/;
const HEX_TRACE = /^([0-9a-f]{16}|[0-9a-f]{32})$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function sampledFlag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === '1' || v === 'd' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return undefined;
}

/**
 * Envoy's order: B3 single (`b3`), then the multi headers, then W3C
 * `traceparent`. The sampled flag is taken from `b3` first, then
 * `x-b3-sampled` (`x-b3-flags: 1` forces it); with only `traceparent` its flag
 * stands. Malformed IDs are ignored as Envoy does (a new trace starts).
 */
export function extractContext(h: IncomingHttpHeaders): IncomingContext {
  const ctx: IncomingContext = { traceId: '', parentSpanId: '', sampled: undefined, traceState: header(h, 'tracestate') ?? '' };
  const single = header(h, 'b3');
  if (single !== undefined) {
    const parts = single.toLowerCase().split('-');
    if (parts.length === 1) ctx.sampled = sampledFlag(parts[0]);
    else if (parts.length >= 2 && HEX_TRACE.test(parts[0]!) && HEX16.test(parts[1]!)) {
      ctx.traceId = parts[0]!.padStart(32, '0');
      ctx.parentSpanId = parts[1]!;
      ctx.sampled = sampledFlag(parts[2]);
    }
  }
  if (ctx.traceId === '') {
    const tid = header(h, 'x-b3-traceid')?.toLowerCase();
    const sid = header(h, 'x-b3-spanid')?.toLowerCase();
    if (tid && sid && HEX_TRACE.test(tid) && HEX16.test(sid)) {
      ctx.traceId = tid.padStart(32, '0');
      ctx.parentSpanId = sid;
    }
  }
  if (ctx.sampled === undefined) {
    ctx.sampled = header(h, 'x-b3-flags') === '1' ? true : sampledFlag(header(h, 'x-b3-sampled'));
  }
  const tp = TRACEPARENT.exec(header(h, 'traceparent')?.toLowerCase() ?? '');
  if (tp && tp[1] !== 'ff' && !/^0+$/.test(tp[2]!) && !/^0+$/.test(tp[3]!)) {
    if (ctx.traceId === '') {
      ctx.traceId = tp[2]!;
      ctx.parentSpanId = tp[3]!;
      ctx.sampled ??= (parseInt(tp[4]!, 16) & 1) === 1;
    }
  }
  return ctx;
}

/** The trace headers a proxy rewrites; everything else passes through. */
export const TRACE_HEADERS = ['b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags', 'traceparent'] as const;

/** Writes our span as the caller's context for the next hop: the B3 multi headers Envoy injects, plus W3C. */
export function injectContext(out: OutgoingHttpHeaders, traceId: string, spanId: string, parentSpanId: string, sampled: boolean): void {
  // Only delete what is there: deleting turns the object into a slow dictionary.
  for (const name of TRACE_HEADERS) if (name in out) delete out[name];
  out['x-b3-traceid'] = traceId;
  out['x-b3-spanid'] = spanId;
  if (parentSpanId) out['x-b3-parentspanid'] = parentSpanId;
  out['x-b3-sampled'] = sampled ? '1' : '0';
  out['traceparent'] = `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

// IDs come from a pool of random bytes refilled 4 KiB at a time: one crypto call per 512 span IDs
// instead of one per request, which shows at 1000 requests/s.
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const hex = POOL.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  let id = randomHex(8);
  while (id === '0000000000000000') id = randomHex(8);
  return id;
}

/**
 * A new `x-request-id`, a v4 UUID whose version character (index 14) Envoy
 * overwrites to record its decision: `9` sampled, otherwise left at `4`.
 */
export function newRequestId(sampled: boolean): string {
  const id = randomUUID();
  return sampled ? id.slice(0, 14) + '9' + id.slice(15) : id;
}

/** Head sampling: the upstream decision if there is one, else a coin weighted by the percentage. */
export function decideSampling(upstream: boolean | undefined, percentage: number, random: () => number = Math.random): boolean {
  if (upstream !== undefined) return upstream;
  return random() * 100 < percentage;
}
