import type { TracesConsumer } from '../../component/component.ts';
import { OverloadError, PermanentError, QueueFullError, RetryableError } from '../../component/errors.ts';
import type { Attribute, AttributeValue } from '../../model/attributes.ts';
import type { Span } from '../../model/span.ts';
import type { ReceiverCounters } from '../../observability/metrics.ts';

export interface IngestLimits {
  /** Attribute string/bytes values longer than this are cut; 0 = unlimited. */
  maxAttributeValueLength: number;
}

/**
 * What every receiver does with a decoded batch, in one place (the collector's
 * receiverhelper): count it, truncate oversized attribute values, hand it to
 * the pipeline, and count the outcome. Resolves once the store confirmed the
 * batch; rethrows the pipeline's classified error for the receiver to map.
 */
export class Ingest {
  private readonly next: TracesConsumer;
  private readonly counters: ReceiverCounters;
  private readonly limits: IngestLimits;

  constructor(next: TracesConsumer, counters: ReceiverCounters, limits: IngestLimits) {
    this.next = next;
    this.counters = counters;
    this.limits = limits;
  }

  get count(): ReceiverCounters {
    return this.counters;
  }

  /**
   * `acknowledged: false` is for transports that cannot tell the client (UDP):
   * a refusal then counts the spans as dropped instead of refused.
   */
  async ingest(spans: Span[], { acknowledged = true }: { acknowledged?: boolean } = {}): Promise<void> {
    if (spans.length === 0) return;
    this.counters.received(spans.length);
    if (this.limits.maxAttributeValueLength > 0) {
      this.counters.truncated(truncateSpans(spans, this.limits.maxAttributeValueLength));
    }
    try {
      await this.next.consumeTraces(spans);
    } catch (err) {
      if (acknowledged) this.counters.refused(spans.length, refusalReason(err));
      else this.counters.dropped(spans.length, refusalReason(err));
      throw err;
    }
    this.counters.accepted(spans.length);
  }
}

export function refusalReason(err: unknown): string {
  if (err instanceof QueueFullError || err instanceof OverloadError) return err.reason;
  if (err instanceof RetryableError) return 'unavailable';
  if (err instanceof PermanentError) return 'invalid';
  return 'internal_error';
}

/** Cuts long string and bytes values in place; returns how many were cut. */
export function truncateSpans(spans: Span[], max: number): number {
  let n = 0;
  const seenResources = new Set<object>();
  for (const s of spans) {
    n += truncateAttributes(s.attributes, max);
    for (const e of s.events) n += truncateAttributes(e.attributes, max);
    for (const l of s.links) n += truncateAttributes(l.attributes, max);
    if (!seenResources.has(s.resource)) {
      seenResources.add(s.resource);
      n += truncateAttributes(s.resource.attributes, max);
    }
  }
  return n;
}

function truncateAttributes(attrs: Attribute[], max: number): number {
  let n = 0;
  for (const a of attrs) {
    const [v, cut] = truncateValue(a.value, max);
    if (cut > 0) {
      a.value = v;
      n += cut;
    }
  }
  return n;
}

function truncateValue(v: AttributeValue, max: number): [AttributeValue, number] {
  if (typeof v === 'string') return v.length > max ? [v.slice(0, max), 1] : [v, 0];
  if (v instanceof Uint8Array) return v.length > max ? [v.subarray(0, max), 1] : [v, 0];
  if (Array.isArray(v)) {
    let n = 0;
    const out = v.map((x) => {
      const [y, c] = truncateValue(x, max);
      n += c;
      return y;
    });
    return [n > 0 ? out : v, n];
  }
  if (typeof v === 'object') return [v, truncateAttributes(v.kvlist, max)];
  return [v, 0];
}
