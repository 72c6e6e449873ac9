import type { Exporter, Host } from '../../component/component.ts';
import { PermanentError, RetryableError, errorMessage } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { encodeTracesData } from '../../protocols/otlp/proto-encoder.ts';
import { decodeRpcStatusMessage, decodePartialSuccess } from './response-reader.ts';
import { backoffMs, DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfterMs, type BackoffPolicy } from './retry-policy.ts';

export interface OtlpHttpExporterConfig {
  /** The upstream's OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces. */
  collectorEndpoint: string;
  /** Give up on a batch after retrying this long. */
  maxRetrySeconds: number;
  /** Time one attempt may take before it counts as a connection failure. */
  requestTimeoutMs?: number;
  backoff?: BackoffPolicy;
}

/**
 * The agent's last stage: sends each batch upstream as OTLP/HTTP protobuf
 * and resolves only when the upstream answered 2xx, so the agent
 * acknowledges its clients only for spans the collector confirmed.
 *
 * 429/502/503/504 and connection failures are retried with capped
 * exponential backoff and jitter, honouring Retry-After, until
 * maxRetrySeconds; then the batch fails with RetryableError (the client sees
 * 503 and retries itself). Other 4xx answers fail it with PermanentError.
 */
export class OtlpHttpExporter implements Exporter {
  private readonly config: OtlpHttpExporterConfig;
  private readonly closing = new AbortController();
  private host: Host | undefined;

  constructor(config: OtlpHttpExporterConfig) {
    this.config = config;
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    new URL(this.config.collectorEndpoint); // fails start-up on a malformed URL rather than on the first batch
  }

  async shutdown(): Promise<void> {
    this.closing.abort();
  }

  async consumeTraces(spans: Span[]): Promise<void> {
    if (spans.length === 0) return;
    const body = encodeTracesData(spans);
    const deadline = Date.now() + this.config.maxRetrySeconds * 1000;
    const policy = this.config.backoff ?? DEFAULT_BACKOFF;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.send(body);
      if (outcome.kind === 'ok') return;
      if (outcome.kind === 'permanent') throw outcome.error;
      const wait = Math.max(outcome.retryAfterMs ?? 0, backoffMs(policy, attempt));
      if (this.closing.signal.aborted || Date.now() + wait > deadline) {
        throw new RetryableError(
          `upstream ${this.config.collectorEndpoint} did not accept the batch within ${this.config.maxRetrySeconds}s: ${outcome.reason}`,
          Math.max(1, Math.ceil((outcome.retryAfterMs ?? 1000) / 1000)),
        );
      }
      this.host?.telemetry.logger.debug({ attempt, wait, reason: outcome.reason }, 'retrying upstream export');
      await sleep(wait, this.closing.signal);
    }
  }

  private async send(body: Uint8Array): Promise<SendOutcome> {
    let res: Response;
    try {
      res = await fetch(this.config.collectorEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.any([AbortSignal.timeout(this.config.requestTimeoutMs ?? 10_000), this.closing.signal]),
      });
    } catch (err) {
      return { kind: 'retry', reason: `cannot reach upstream: ${causeMessage(err)}` };
    }
    const payload = new Uint8Array(await res.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (res.status >= 200 && res.status < 300) {
      const partial = decodePartialSuccess(payload, res.headers.get('content-type'));
      if (partial && partial.rejectedSpans > 0) {
        this.host?.telemetry.logger.warn({ ...partial }, 'upstream rejected some spans');
      }
      return { kind: 'ok' };
    }
    const message = decodeRpcStatusMessage(payload, res.headers.get('content-type'));
    const reason = `upstream answered ${res.status}${message ? `: ${message}` : ''}`;
    if (isRetryableStatus(res.status)) return { kind: 'retry', reason, retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after')) };
    if (res.status >= 400 && res.status < 500) return { kind: 'permanent', error: new PermanentError(reason) };
    // Other 5xx: not retryable per OTLP, but not the client's fault either (500 at the edge).
    return { kind: 'permanent', error: new Error(reason) };
  }
}

type SendOutcome =
  | { kind: 'ok' }
  | { kind: 'retry'; reason: string; retryAfterMs?: number | undefined }
  | { kind: 'permanent'; error: Error };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function causeMessage(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${errorMessage(err)} (${cause.message})` : errorMessage(err);
}
