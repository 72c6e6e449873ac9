import { parentPort, workerData } from 'node:worker_threads';
import { encodeTracesData } from '../../src/protocols/otlp/proto-encoder.ts';
import { nowNs, sleep, traceBatch } from '../storage/support.ts';
import { OtlpGrpcSender, OtlpHttpSender, type SendResult } from './load.ts';

/**
 * The load of the overload test and bench, in a worker thread so that the
 * thread probing /health is not slowed by it: a closed-loop phase measures
 * what the server sustains, then an open-loop OTLP/HTTP flood at `factor`
 * times that, with closed-loop grpc-js OTLP callers beside it.
 */
export interface FloodConfig {
  httpPort: number;
  grpcPort: number;
  service: string;
  /** Hex digit that keeps this run's trace IDs apart from other runs'. */
  tag: string;
  tracesPerRequest: number;
  spansPerTrace: number;
  capacityMs: number;
  floodMs: number;
  factor: number;
  grpcCallers: number;
}

export interface FloodReport {
  capacityRps: number;
  floodRps: number;
  /** Wall clock (ms since the epoch) when the flood started. */
  floodStartedAt: number;
  firstHttpPushBackMs: number | undefined;
  firstGrpcPushBackMs: number | undefined;
  sent: number;
  acked: number;
  pushedBack: number;
  failed: number;
  otherStatuses: Record<string, number>;
  pushBackWithoutRetryAfter: number;
  ackedLatencyP99Ms: number;
  pushBackLatencyP99Ms: number;
  /** Trace IDs the server acknowledged (every span of each). */
  ackedTraces: string[];
  failures: string[];
}

const cfg = workerData as FloodConfig;
const http = new OtlpHttpSender(cfg.httpPort, { connections: 512, timeoutMs: 60_000 });
const report: FloodReport = {
  capacityRps: 0, floodRps: 0, floodStartedAt: 0, firstHttpPushBackMs: undefined, firstGrpcPushBackMs: undefined,
  sent: 0, acked: 0, pushedBack: 0, failed: 0, otherStatuses: {}, pushBackWithoutRetryAfter: 0,
  ackedLatencyP99Ms: 0, pushBackLatencyP99Ms: 0, ackedTraces: [], failures: [],
};
const ackedLatency: number[] = [];
const pushBackLatency: number[] = [];

/**
 * Encoding every request would make this thread the bottleneck: one request
 * is encoded once and each send patches its own sequence number into the
 * trace IDs (bytes 10-13 of each; trace t's ID is tag, seq, t).
 */
const TEMPLATE_SEQ = 0xfffffff;
const template = Buffer.from(encodeTracesData(traceBatch(cfg.service, `${cfg.tag}${TEMPLATE_SEQ.toString(16)}`, cfg.tracesPerRequest, cfg.spansPerTrace, nowNs())));
const idOffsets: number[] = [];
for (let t = 0; t < cfg.tracesPerRequest; t++) {
  const id = Buffer.from(`${cfg.tag}${TEMPLATE_SEQ.toString(16)}${t.toString(16).padStart(4, '0')}`.padStart(32, '0'), 'hex');
  for (let at = template.indexOf(id); at >= 0; at = template.indexOf(id, at + 1)) idOffsets.push(at);
}
if (idOffsets.length !== cfg.tracesPerRequest * cfg.spansPerTrace) throw new Error(`found ${idOffsets.length} trace IDs in the template`);
let seq = 0;

function nextBody(): { body: Buffer; traceIds: string[] } {
  const s = seq++;
  const body = Buffer.from(template);
  // Bytes 10-13 hold the low nibble of the tag and the 7-digit sequence number.
  const word = ((parseInt(cfg.tag, 16) & 0xf) * 0x10000000 + s) >>> 0;
  for (const at of idOffsets) body.writeUInt32BE(word, at + 10);
  const traceIds = Array.from({ length: cfg.tracesPerRequest }, (_, t) => `${cfg.tag}${s.toString(16).padStart(7, '0')}${t.toString(16).padStart(4, '0')}`.padStart(32, '0'));
  return { body, traceIds };
}

/** Sends one request and books the answer. */
async function one(post: (body: Buffer) => Promise<SendResult>, grpc: boolean): Promise<SendResult> {
  const { body, traceIds } = nextBody();
  const t0 = Date.now();
  report.sent++;
  const r = await post(body);
  const ms = Date.now() - t0;
  if (r.status === 200) {
    report.acked++;
    ackedLatency.push(ms);
    for (const id of traceIds) report.ackedTraces.push(id);
  } else if (r.status === 503 || r.status === 429) {
    report.pushedBack++;
    pushBackLatency.push(ms);
    if (!r.retryAfter) report.pushBackWithoutRetryAfter++;
    if (report.floodStartedAt > 0) {
      const since = Date.now() - report.floodStartedAt;
      if (grpc) report.firstGrpcPushBackMs ??= since;
      else report.firstHttpPushBackMs ??= since;
    }
  } else if (r.status === 0) {
    report.failed++;
    if (report.failures.length < 10) report.failures.push(`${grpc ? 'grpc' : 'http'}: ${r.error ?? 'no answer'} after ${ms} ms, ${Date.now() - report.floodStartedAt} ms into the flood`);
  } else {
    report.otherStatuses[r.status] = (report.otherStatuses[r.status] ?? 0) + 1;
    if (report.failures.length < 10) report.failures.push(`${grpc ? 'grpc' : 'http'} ${r.status}: ${r.error ?? ''}`);
  }
  return r;
}

// Closed loop: 64 connections (enough to keep the server busy, as the 64 clients), each waits for its answer and backs off on push-back.
const capacityEnd = Date.now() + cfg.capacityMs;
let capacityAcked = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (Date.now() < capacityEnd) {
      const r = await one((b) => http.post(b), false);
      if (r.status === 200) capacityAcked++;
      else await sleep(50);
    }
  }),
);
report.capacityRps = capacityAcked / (cfg.capacityMs / 1000);
report.floodRps = Math.max(50, Math.ceil(report.capacityRps * cfg.factor));

// Open loop: requests go out on schedule whatever the answers.
report.floodStartedAt = Date.now();
const floodEnd = report.floodStartedAt + cfg.floodMs;
const inFlight = new Set<Promise<unknown>>();
const grpcSenders = Array.from({ length: cfg.grpcCallers }, () => new OtlpGrpcSender(cfg.grpcPort, { deadlineMs: 60_000 }));
const grpcLoops = grpcSenders.map(async (g) => {
  while (Date.now() < floodEnd) {
    const r = await one((b) => g.post(b), true);
    if (r.status !== 200) await sleep(Math.min(1_000, 1_000 * Number(r.retryAfter ?? 1)));
  }
});
let due = 0;
while (Date.now() < floodEnd) {
  const target = Math.floor(((Date.now() - report.floodStartedAt) / 1000) * report.floodRps);
  for (; due < target; due++) {
    const p = one((b) => http.post(b), false).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await sleep(5);
}
await Promise.all([...inFlight, ...grpcLoops]);
http.close();
for (const g of grpcSenders) g.close();

report.ackedLatencyP99Ms = p99(ackedLatency);
report.pushBackLatencyP99Ms = p99(pushBackLatency);
parentPort!.postMessage(report);

function p99(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
}
