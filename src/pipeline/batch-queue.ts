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
      this.pending.push({ spans, resolve, reject });
      this.queued += spans.length;
      this.metrics?.queueDepth.set(this.queued);
      if (!this.writing) void this.drain();
    });
  }

  get depth(): number {
    return this.queued;
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
      const batch = group.length === 1 ? group[0]!.spans : group.flatMap((p) => p.spans);
      try {
        await this.next.consumeTraces(batch);
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
