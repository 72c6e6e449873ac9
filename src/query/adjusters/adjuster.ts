import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';

/**
 * One query-time correction of a trace, as Jaeger's adjusters are. Spans
 * handed in may be shared with the store: an adjuster copies a span before
 * changing it and returns the new list.
 */
export interface Adjuster {
  readonly name: string;
  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[];
}

/** Runs adjusters in order, each on the previous one's output. */
export class AdjusterSequence implements Adjuster {
  readonly name = 'sequence';
  private readonly adjusters: readonly Adjuster[];

  constructor(adjusters: readonly Adjuster[]) {
    this.adjusters = adjusters;
  }

  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[] {
    let out = spans;
    for (const a of this.adjusters) out = a.adjust(out);
    return out;
  }
}

export function withWarning(span: SpanWithWarnings, warning: string): SpanWithWarnings {
  return { ...span, warnings: [...(span.warnings ?? []), warning] };
}
