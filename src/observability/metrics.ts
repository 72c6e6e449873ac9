import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every counter Waymark exports on the admin port's /metrics. One registry per
 * process (not prom-client's global one), so tests can run several instances.
 */
export class WaymarkMetrics {
  readonly registry = new Registry();

  readonly receivedSpans = new Counter({
    name: 'waymark_receiver_received_spans_total',
    help: 'Spans decoded by a receiver, before the pipeline accepted or refused them.',
    labelNames: ['receiver'] as const,
    registers: [this.registry],
  });
  readonly acceptedSpans = new Counter({
    name: 'waymark_receiver_accepted_spans_total',
    help: 'Spans acknowledged to the client after the store confirmed them.',
    labelNames: ['receiver'] as const,
    registers: [this.registry],
  });
  readonly refusedSpans = new Counter({
    name: 'waymark_receiver_refused_spans_total',
    help: 'Spans refused with an error the client sees (invalid, queue full, store failed).',
    labelNames: ['receiver', 'reason'] as const,
    registers: [this.registry],
  });
  readonly droppedSpans = new Counter({
    name: 'waymark_receiver_dropped_spans_total',
    help: 'Spans lost without the client being told (UDP datagrams that could not be queued).',
    labelNames: ['receiver', 'reason'] as const,
    registers: [this.registry],
  });
  readonly refusedRequests = new Counter({
    name: 'waymark_receiver_refused_requests_total',
    help: 'Requests refused before their spans could be counted (malformed, oversized, wrong type).',
    labelNames: ['receiver', 'reason'] as const,
    registers: [this.registry],
  });
  readonly droppedDatagrams = new Counter({
    name: 'waymark_receiver_dropped_datagrams_total',
    help: 'UDP datagrams dropped undecoded because ingest was overloaded (their spans are not counted: they were never decoded).',
    labelNames: ['receiver', 'reason'] as const,
    registers: [this.registry],
  });
  readonly truncatedAttributes = new Counter({
    name: 'waymark_receiver_truncated_attributes_total',
    help: 'Attribute values cut to the configured maximum length.',
    labelNames: ['receiver'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'waymark_queue_spans',
    help: 'Spans waiting in the batch queue.',
    registers: [this.registry],
  });
  readonly queueCapacity = new Gauge({
    name: 'waymark_queue_capacity_spans',
    help: 'Capacity of the batch queue in spans.',
    registers: [this.registry],
  });
  readonly admissionBytesInFlight = new Gauge({
    name: 'waymark_admission_bytes_in_flight',
    help: 'Request bytes (as sent) admitted by the receivers and not yet answered.',
    registers: [this.registry],
  });
  readonly admissionRequestsInFlight = new Gauge({
    name: 'waymark_admission_requests_in_flight',
    help: 'Ingest requests admitted by the receivers and not yet answered.',
    registers: [this.registry],
  });
  readonly eventLoopLagSeconds = new Gauge({
    name: 'waymark_event_loop_lag_seconds',
    help: 'How late the last 50 ms timer fired: event loop lag, which ingest admission refuses beyond --max-event-loop-delay.',
    registers: [this.registry],
  });
  readonly storeWriteSeconds = new Histogram({
    name: 'waymark_storage_write_duration_seconds',
    help: 'Time for the storage writer to confirm one batch.',
    labelNames: ['backend'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly storeWrittenSpans = new Counter({
    name: 'waymark_storage_written_spans_total',
    help: 'Spans the storage writer confirmed.',
    labelNames: ['backend'] as const,
    registers: [this.registry],
  });
  readonly storagePartitionsDropped = new Counter({
    name: 'waymark_storage_partitions_dropped_total',
    help: 'Partition files the embedded store deleted, by reason: retention or max_disk.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly storagePartitionsDamaged = new Counter({
    name: 'waymark_storage_partitions_damaged_total',
    help: 'Partition files the embedded store found damaged and moved aside (*.damaged-<ms>), after copying what was readable into a fresh file; the rest is still served.',
    registers: [this.registry],
  });
  readonly storageSalvagedSpans = new Counter({
    name: 'waymark_storage_salvaged_spans_total',
    help: 'Spans the embedded store copied out of damaged partition files into fresh ones, and still serves.',
    registers: [this.registry],
  });
  readonly storageUnreadableSpans = new Counter({
    name: 'waymark_storage_unreadable_spans_total',
    help: 'Spans of damaged partition files that could not be read (bad blocks); files that would not open at all are counted only in waymark_storage_partitions_damaged_total.',
    registers: [this.registry],
  });
  readonly storageDiskBytes = new Gauge({
    name: 'waymark_storage_disk_bytes',
    help: 'Bytes the embedded store\'s partition files (with their write-ahead logs) take on disk.',
    registers: [this.registry],
  });
  readonly storagePartitions = new Gauge({
    name: 'waymark_storage_partitions',
    help: 'Partition files the embedded store has open.',
    registers: [this.registry],
  });
  readonly storageReadsCancelled = new Counter({
    name: 'waymark_storage_reads_cancelled_total',
    help: 'Reads the store stopped working on because their query was abandoned (deadline passed, client gone).',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });
  readonly queriesAbandoned = new Counter({
    name: 'waymark_query_abandoned_total',
    help: 'Query requests abandoned before their answer: reason "deadline" (--query-timeout or the gRPC deadline) or "client_gone".',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly queriesLimited = new Counter({
    name: 'waymark_query_limited_total',
    help: 'Query answers cut to a cap: "limit" (--query-max-limit), "window" (--query-max-window), "answer_bytes" (--query-max-answer-bytes).',
    labelNames: ['cap'] as const,
    registers: [this.registry],
  });
  readonly querySeconds = new Histogram({
    name: 'waymark_query_duration_seconds',
    help: 'Time to answer a query API request.',
    labelNames: ['api', 'endpoint'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** The counters one receiver updates, with its label bound. */
  forReceiver(receiver: string): ReceiverCounters {
    const m = this;
    return {
      received: (n) => m.receivedSpans.inc({ receiver }, n),
      accepted: (n) => m.acceptedSpans.inc({ receiver }, n),
      refused: (n, reason) => m.refusedSpans.inc({ receiver, reason }, n),
      dropped: (n, reason) => m.droppedSpans.inc({ receiver, reason }, n),
      refusedRequest: (reason) => m.refusedRequests.inc({ receiver, reason }, 1),
      droppedRequest: (reason) => m.droppedDatagrams.inc({ receiver, reason }, 1),
      truncated: (n) => {
        if (n > 0) m.truncatedAttributes.inc({ receiver }, n);
      },
    };
  }
}

export interface ReceiverCounters {
  received(n: number): void;
  accepted(n: number): void;
  refused(n: number, reason: string): void;
  dropped(n: number, reason: string): void;
  refusedRequest(reason: string): void;
  droppedRequest(reason: string): void;
  truncated(n: number): void;
}
