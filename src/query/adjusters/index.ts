import { AdjusterSequence, type Adjuster } from './adjuster.ts';
import { ClockSkewAdjuster } from './clock-skew.ts';
import { DedupeSpansAdjuster } from './dedupe-spans.ts';
import { SharedSpanIdAdjuster } from './shared-span-id.ts';
import { SortSpansAdjuster } from './sort-spans.ts';

export { AdjusterSequence, type Adjuster } from './adjuster.ts';

/** Jaeger's order: drop retried copies, split shared IDs, fix clocks (when enabled), sort. */
export function standardAdjusters(maxClockSkewAdjustNanos: bigint): Adjuster {
  const list: Adjuster[] = [new DedupeSpansAdjuster(), new SharedSpanIdAdjuster()];
  if (maxClockSkewAdjustNanos > 0n) list.push(new ClockSkewAdjuster(maxClockSkewAdjustNanos));
  list.push(new SortSpansAdjuster());
  return new AdjusterSequence(list);
}
