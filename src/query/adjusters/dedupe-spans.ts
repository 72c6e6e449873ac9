import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import type { Adjuster } from './adjuster.ts';

/**
 * Drops exact copies of a span: clients that retry after a lost
 * acknowledgement send the same span twice. Spans that share an ID but differ
 * (Zipkin's shared client/server spans) are kept for the next adjuster.
 */
export class DedupeSpansAdjuster implements Adjuster {
  readonly name = 'dedupe-spans';

  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[] {
    const seen = new Set<string>();
    const out: SpanWithWarnings[] = [];
    for (const s of spans) {
      const key = s.spanId + '\u0000' + spanFingerprint(s);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
    return out.length === spans.length ? spans : out;
  }
}

/** Every field of the span, its resource and scope, in a stable text form. */
export function spanFingerprint(span: SpanWithWarnings): string {
  return JSON.stringify(span, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `b64:${Buffer.from(v).toString('base64')}`;
    return v;
  });
}
