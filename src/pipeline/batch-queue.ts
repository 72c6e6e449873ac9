import type { Host, Processor, TracesConsumer } from '../component/component.ts';
import { QueueFullError, RetryableError } from '../component/errors.ts';
import type { Span } from '../model/span.ts';
import type { WaymarkMetrics } from '../observability/metrics.ts';

export interface BatchQueueConfig {
  /** Spans that may wait at once; beyond it, callers get QueueFullError (push-back). */
  capacitySpans: number;
  /** Largest batch handed downstream in one call. */
  maxBatchSpans: number;
}

interface Pending {
  spans: Span[];
  /** performance.now() when it was queued. */
  at: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A bounded queue that group-commits: while one batch is being written,
 * requests pile up and go down together in the next call. Each caller's
 * promise settles with the write that carried its spans, so a receiver
 * acknowledges only what the store confirmed.
 */
export class BatchQueue implements Processor {
  private readonly next: TracesConsumer;
  private readonly config: BatchQueueConfig;
  private readonly pending: Pending[] = [];
  private queued = 0;
  private writing = false;
  private closed = false;
  private metrics: WaymarkMetrics | undefined;
  private drained: (() => void) | undefined;
  /** When the oldest request of the batch being written was queued. */
  private writingSince = 0;
  /** Spans per ms the store has been writing (moving average over the last writes; 0 before the first). */
  private writeRate = 0;

  constructor(config: BatchQueueConfig, next: TracesConsumer) {
    this.config = config;
    this.next = next;
  }

  async start(host: Host): Promise<void> {
    this.metrics = host.telemetry.metrics;
    this.metrics.queueCapacity.set(this.config.capacitySpans);
  }

  consumeTraces(spans: Span[]): Promise<void> {
    if (this.closed) return Promise.reject(new RetryableError('shutting down', 5));
    if (this.queued > 0 && this.queued + spans.length > this.config.capacitySpans) {
      return Promise.reject(
        new QueueFullError(`queue full: ${this.queued} spans waiting, capacity ${this.config.capacitySpans}`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spans, at: performance.now(), resolve, reject });
      this.queued += spans.length;
      this.metrics?.queueDepth.set(this.queued);
      if (!this.writing) void this.drain();
    });
  }

  get depth(): number {
    return this.queued;
  }

  /**
   * How long a request queued now would wait for the store, in ms: the
   * larger of what the oldest unanswered request has waited and what the
   * spans queued ahead of it take at the store's recent write rate (the
   * second reacts at once to a burst; the first covers a store that stalled).
   */
  get waitMs(): number {
    const oldest = this.writing ? this.writingSince : this.pending[0]?.at;
    const waited = oldest === undefined ? 0 : performance.now() - oldest;
    const ahead = this.writeRate > 0 ? this.queued / this.writeRate : 0;
    return Math.max(waited, ahead);
  }

  /** Stops taking new spans and resolves once everything queued was written. */
  async shutdown(): Promise<void> {
    this.closed = true;
    if (!this.writing && this.pending.length === 0) return;
    await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const group: Pending[] = [];
      let n = 0;
      while (this.pending.length > 0 && (group.length === 0 || n + this.pending[0]!.spans.length <= this.config.maxBatchSpans)) {
        const p = this.pending.shift()!;
        group.push(p);
        n += p.spans.length;
      }
      this.writingSince = group[0]!.at;
      const batch = group.length === 1 ? group[0]!.spans : group.flatMap((p) => p.spans);
      const t0 = performance.now();
      try {
        await this.next.consumeTraces(batch);
        const rate = n / Math.max(1, performance.now() - t0);
        this.writeRate = this.writeRate === 0 ? rate : 0.7 * this.writeRate + 0.3 * rate;
        for (const p of group) p.resolve();
      } catch (err) {
        for (const p of group) p.reject(err);
      }
      this.queued -= n;
      this.metrics?.queueDepth.set(this.queued);
    }
    this.writing = false;
    this.drained?.();
  }
}
