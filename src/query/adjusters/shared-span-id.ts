import { SpanKind } from '../../model/span.ts';
import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import type { Adjuster } from './adjuster.ts';

const MAX_SPAN_ID = (1n << 64n) - 1n;

/**
 * Zipkin's shared spans: the client and the server of one call report the
 * same span ID. Like Jaeger's span ID deduper, the SERVER span gets a new ID
 * (the lowest unused one above the trace's highest), the client span becomes
 * its parent, and spans that named the shared ID as parent now point at the
 * server span. Deterministic: the same trace always gets the same IDs.
 */
export class SharedSpanIdAdjuster implements Adjuster {
  readonly name = 'shared-span-id';

  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[] {
    const clientIds = new Set<string>();
    const used = new Set<string>();
    let maxUsed = 0n;
    for (const s of spans) {
      used.add(s.spanId);
      if (s.kind === SpanKind.CLIENT) clientIds.add(s.spanId);
      const n = BigInt('0x' + s.spanId);
      if (n > maxUsed) maxUsed = n;
    }
    const renamed = new Map<string, string>();
    let out = spans.map((s) => {
      if (s.kind !== SpanKind.SERVER || !clientIds.has(s.spanId) || renamed.has(s.spanId)) return s;
      const id = nextFreeId(maxUsed, used);
      maxUsed = BigInt('0x' + id);
      used.add(id);
      renamed.set(s.spanId, id);
      return { ...s, parentSpanId: s.spanId, spanId: id };
    });
    if (renamed.size === 0) return spans;
    out = out.map((s) => {
      const parent = renamed.get(s.parentSpanId);
      return parent !== undefined && parent !== s.spanId ? { ...s, parentSpanId: parent } : s;
    });
    return out;
  }
}

function nextFreeId(after: bigint, used: Set<string>): string {
  for (let n = after + 1n; ; n++) {
    if (n > MAX_SPAN_ID) n = 1n;
    const id = n.toString(16).padStart(16, '0');
    if (!used.has(id)) return id;
  }
}
