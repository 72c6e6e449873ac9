import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { OverloadError } from '../../component/errors.ts';
import type { WaymarkMetrics } from '../../observability/metrics.ts';

export interface AdmissionLimits {
  /** Request bytes (as sent) in flight across every receiver; one request is always let in. */
  maxBytesInFlight: number;
  maxRequestsInFlight: number;
  /** Memory in use (V8 heap plus buffers) at which ingest stops; 0 turns the memory limiter off. */
  memoryLimitBytes: number;
  /** Headroom under the limit for what arrives between two measurements: refusing starts at limit - spike. */
  memorySpikeBytes: number;
  /** Event loop lag beyond which ingest stops; 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** How long the oldest request may have waited for the store before ingest stops; 0 turns it off. */
  maxQueueDelayMs: number;
}

/** One admitted request: released when its answer is sent (or its client went away). */
export interface Ticket {
  /** Body bytes that arrived without a Content-Length; refuses when they push the total over the limit. */
  add(bytes: number): OverloadError | undefined;
  release(): void;
}

/** How often memory and event loop lag are sampled. */
const SAMPLE_MS = 50;
/** What clients are told to wait; OTLP exporters back off exponentially from their own base anyway. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Admission for every receiver, decided before any work on a request (before
 * its body is read or decoded) in O(1): requests and bytes in flight, a memory
 * limiter like the OpenTelemetry Collector's memory_limiter (soft limit =
 * limit - spike), and event loop lag (decoding runs on the event loop, and a
 * saturated loop would stall the admin and query ports too). A refused
 * request costs only its refusal, so the process sheds load instead of
 * queueing it in sockets and memory.
 */
export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly metrics: WaymarkMetrics | undefined;
  private bytes = 0;
  private requests = 0;
  private memoryInUse = 0;
  private lagMs = 0;
  private lastTick = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly queueWaitMs: () => number;

  /** `queueWaitMs` tells how long the oldest request has waited for the store (the pipeline's BatchQueue). */
  constructor(limits: AdmissionLimits, metrics?: WaymarkMetrics, queueWaitMs: () => number = () => 0) {
    this.limits = limits;
    this.metrics = metrics;
    this.queueWaitMs = queueWaitMs;
  }

  start(): void {
    this.lastTick = performance.now();
    this.sample();
    this.timer ??= setInterval(() => this.tick(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get inFlight(): { bytes: number; requests: number } {
    return { bytes: this.bytes, requests: this.requests };
  }

  /** Lets a request of `bytes` (0 when not yet known) in, or says why not. */
  admit(bytes: number): Ticket | OverloadError {
    const refusal = this.check(bytes);
    if (refusal) return refusal;
    this.bytes += bytes;
    this.requests++;
    let held = bytes;
    let released = false;
    return {
      add: (more: number) => {
        if (released) return undefined;
        if (this.limits.maxBytesInFlight > 0 && this.bytes + more > this.limits.maxBytesInFlight && this.bytes > held) {
          return this.refuse('bytes_in_flight', `${this.bytes} request bytes in flight, limit ${this.limits.maxBytesInFlight} (--ingest-max-bytes)`);
        }
        this.bytes += more;
        held += more;
        return undefined;
      },
      release: () => {
        if (released) return;
        released = true;
        this.bytes -= held;
        this.requests--;
      },
    };
  }

  private check(bytes: number): OverloadError | undefined {
    const l = this.limits;
    if (l.maxRequestsInFlight > 0 && this.requests >= l.maxRequestsInFlight) {
      return this.refuse('requests_in_flight', `${this.requests} requests in flight, limit ${l.maxRequestsInFlight} (--ingest-max-requests)`);
    }
    // One request alone may be as large as --max-request-bytes allows, whatever this limit.
    if (l.maxBytesInFlight > 0 && this.requests > 0 && this.bytes + bytes > l.maxBytesInFlight) {
      return this.refuse('bytes_in_flight', `${this.bytes} request bytes in flight, limit ${l.maxBytesInFlight} (--ingest-max-bytes)`);
    }
    if (l.memoryLimitBytes > 0 && this.memoryInUse > l.memoryLimitBytes - l.memorySpikeBytes) {
      return this.refuse('memory_limit', `memory in use ${mib(this.memoryInUse)} MiB is over the soft limit ${mib(l.memoryLimitBytes - l.memorySpikeBytes)} MiB (--memory-limit-mib minus --memory-spike-limit-mib)`);
    }
    if (l.maxQueueDelayMs > 0) {
      // A store slower than the intake: tell clients now rather than keep them waiting for their answer.
      const wait = this.queueWaitMs();
      if (wait > l.maxQueueDelayMs) {
        return this.refuse('queue_delay', `the oldest request has waited ${Math.round(wait)} ms for the store, limit ${l.maxQueueDelayMs} ms (--max-queue-delay)`);
      }
    }
    if (l.maxEventLoopDelayMs > 0) {
      // The sampling timer is overdue while the loop is busy: count that lag now, not once it fires.
      const lag = Math.max(this.lagMs, performance.now() - this.lastTick - SAMPLE_MS);
      if (lag > l.maxEventLoopDelayMs) {
        return this.refuse('event_loop_delay', `event loop lagging ${Math.round(lag)} ms, limit ${l.maxEventLoopDelayMs} ms (--max-event-loop-delay)`);
      }
    }
    return undefined;
  }

  private refuse(reason: string, message: string): OverloadError {
    // Under a flood most requests end here: capturing a stack for each was a measurable share of the refusal's cost.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new OverloadError(reason, `overloaded, retry later: ${message}`, RETRY_AFTER_SECONDS);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  private tick(): void {
    const now = performance.now();
    this.lagMs = Math.max(0, now - this.lastTick - SAMPLE_MS);
    this.lastTick = now;
    this.sample();
  }

  private sample(): void {
    if (this.limits.memoryLimitBytes > 0) {
      // V8's own counters: no syscall (process.memoryUsage() reads /proc and cost about 1 ms a call on a loaded machine).
      const h = v8.getHeapStatistics();
      this.memoryInUse = h.used_heap_size + h.external_memory;
    }
    const g = this.metrics;
    if (g) {
      g.admissionBytesInFlight.set(this.bytes);
      g.admissionRequestsInFlight.set(this.requests);
      g.eventLoopLagSeconds.set(this.lagMs / 1000);
    }
  }
}

export function admissionLimits(
  a: { maxBytesInFlight: number; maxRequestsInFlight: number; memoryLimitMiB: number; memorySpikeLimitMiB: number },
  delays: { maxEventLoopDelayMs: number; maxQueueDelayMs: number },
): AdmissionLimits {
  const limit = a.memoryLimitMiB * 1024 * 1024;
  return {
    maxBytesInFlight: a.maxBytesInFlight,
    maxRequestsInFlight: a.maxRequestsInFlight,
    memoryLimitBytes: limit,
    // The Collector's default spike headroom is a fifth of the limit.
    memorySpikeBytes: a.memorySpikeLimitMiB > 0 ? a.memorySpikeLimitMiB * 1024 * 1024 : Math.floor(limit / 5),
    ...delays,
  };
}

const tickets = new WeakMap<IncomingMessage, Ticket>();

/** Ties an HTTP request to its ticket, so the body reader can charge bytes that arrive without a Content-Length. */
export function bindTicket(req: IncomingMessage, ticket: Ticket): void {
  tickets.set(req, ticket);
}

export function ticketOf(req: IncomingMessage): Ticket | undefined {
  return tickets.get(req);
}

function mib(bytes: number): number {
  return Math.round(bytes / 1048576);
}
