import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import type { Adjuster } from './adjuster.ts';

/** Orders spans by start time (then span ID), so every answer for a trace is the same. */
export class SortSpansAdjuster implements Adjuster {
  readonly name = 'sort-spans';

  adjust(spans: SpanWithWarnings[]): SpanWithWarnings[] {
    return [...spans].sort((a, b) =>
      a.startTimeUnixNano !== b.startTimeUnixNano ? (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1) : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0,
    );
  }
}
