import { attributeToString, getAttribute } from '../../model/attributes.ts';
import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import { formatGoDuration } from '../duration-format.ts';
import { withWarning, type Adjuster } from './adjuster.ts';

/** Resource attributes that tell which host (and so which clock) a span came from, first found wins. */
const HOST_KEYS = ['host.id', 'host.ip', 'ip', 'host.name', 'hostname'];

/**
 * Jaeger's clock-skew adjuster: a child span on another host that starts
 * before its parent, or ends after it, is shifted to sit centred inside the
 * parent; its descendants on the same host move with it. Each shifted span
 * gets a warning. Shifts larger than `maxDelta` are not applied (the span is
 * warned instead). Off unless the query settings give a maximum, as in
 * Jaeger v2 (`max_clock_skew_adjust: 0`).
 */
export class ClockSkewAdjuster implements Adjuster {
  readonly name = 'clock-skew';
  private readonly maxDelta: bigint;

  constructor(maxDeltaNanos: bigint) {
    this.maxDelta = maxDeltaNanos;
  }

  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[] {
    const byId = new Map<string, number>();
    spans.forEach((s, i) => byId.set(s.spanId, i));
    const children = new Map<number, number[]>();
    const roots: number[] = [];
    spans.forEach((s, i) => {
      const p = s.parentSpanId === '' ? undefined : byId.get(s.parentSpanId);
      if (p === undefined || p === i) roots.push(i);
      else (children.get(p) ?? children.set(p, []).get(p)!).push(i);
    });
    const out = spans.slice();
    const visit = (i: number, parent: number | undefined, skewHost: string, delta: bigint, depth: number) => {
      if (depth > 10_000) return;
      const host = hostOf(out[i]!);
      if (parent !== undefined && host !== '' && host !== skewHost) {
        skewHost = host;
        delta = this.skewOf(out[i]!, out[parent]!);
        if (delta !== 0n && abs(delta) > this.maxDelta) {
          out[i] = withWarning(out[i]!, `max clock skew adjustment delta of ${formatGoDuration(this.maxDelta)} exceeded; not applying calculated delta of ${formatGoDuration(delta)}`);
          delta = 0n;
        }
      }
      if (delta !== 0n) out[i] = shift(out[i]!, delta);
      for (const c of children.get(i) ?? []) visit(c, i, skewHost, delta, depth + 1);
    };
    for (const r of roots) visit(r, undefined, hostOf(out[r]!), 0n, 0);
    return out;
  }

  /** How far the child must move to sit centred in its (already adjusted) parent; 0 when it fits or cannot fit. */
  private skewOf(child: SpanWithWarnings, parent: SpanWithWarnings): bigint {
    const childDur = child.endTimeUnixNano - child.startTimeUnixNano;
    const parentDur = parent.endTimeUnixNano - parent.startTimeUnixNano;
    if (childDur > parentDur) return 0n;
    const skewed = child.startTimeUnixNano < parent.startTimeUnixNano || child.endTimeUnixNano > parent.endTimeUnixNano;
    if (!skewed) return 0n;
    const latency = (parentDur - childDur) / 2n;
    return parent.startTimeUnixNano + latency - child.startTimeUnixNano;
  }
}

function shift(span: SpanWithWarnings, delta: bigint): SpanWithWarnings {
  const moved: SpanWithWarnings = {
    ...span,
    startTimeUnixNano: span.startTimeUnixNano + delta,
    endTimeUnixNano: span.endTimeUnixNano + delta,
    events: span.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano + delta })),
  };
  return withWarning(moved, `This span's timestamps were adjusted by ${formatGoDuration(delta)}`);
}

function hostOf(span: SpanWithWarnings): string {
  for (const key of HOST_KEYS) {
    const v = getAttribute(span.resource.attributes, key);
    if (v !== undefined) return attributeToString(v);
  }
  return '';
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
