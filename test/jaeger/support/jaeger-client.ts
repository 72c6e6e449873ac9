import { createRequire } from 'node:module';

/** The few parts of the `jaeger-client` (OpenTracing) API the tests use; the package ships no types. */
export interface OtSpan {
  setTag(key: string, value: unknown): OtSpan;
  log(fields: Record<string, unknown>, timestampMs?: number): OtSpan;
  finish(finishTimeMs?: number): void;
  context(): { traceId: Buffer; spanId: Buffer };
}

export interface OtTracer {
  startSpan(name: string, options?: { childOf?: OtSpan; references?: unknown[]; tags?: Record<string, unknown>; startTime?: number }): OtSpan;
  close(callback?: () => void): void;
}

const require = createRequire(import.meta.url);
const jaeger = require('jaeger-client') as {
  initTracer(config: Record<string, unknown>, options?: Record<string, unknown>): OtTracer;
};

const quietLogger = { info: () => {}, error: (msg: string) => console.error(`jaeger-client: ${msg}`) };

/** A tracer that samples everything and reports to either an agent UDP port or a collector HTTP endpoint. */
export function startTracer(serviceName: string, reporter: { agentPort: number } | { collectorEndpoint: string }, traceId128bit = false): OtTracer {
  const reporterConfig = 'agentPort' in reporter ? { agentHost: '127.0.0.1', agentPort: reporter.agentPort } : { collectorEndpoint: reporter.collectorEndpoint };
  return jaeger.initTracer(
    { serviceName, sampler: { type: 'const', param: 1 }, reporter: { ...reporterConfig, flushIntervalMs: 50, logSpans: false } },
    { logger: quietLogger, tags: { 'client.tag': 'yes' }, traceId128bit },
  );
}

export function closeTracer(t: OtTracer): Promise<void> {
  return new Promise((resolve) => t.close(() => resolve()));
}

export function hexId(b: Buffer): string {
  return b.toString('hex').padStart(16, '0');
}
