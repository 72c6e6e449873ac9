import type { TracesConsumer } from '../component/component.ts';
import type { Span } from '../model/span.ts';

/** Hands one batch to several consumers; settles when all have, failing if any failed. */
export function fanOut(consumers: TracesConsumer[]): TracesConsumer {
  if (consumers.length === 1) return consumers[0]!;
  return {
    async consumeTraces(spans: Span[]) {
      const results = await Promise.allSettled(consumers.map((c) => c.consumeTraces(spans)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
