/**
 * Errors are classified where they arise and mapped to a protocol status once,
 * at the edge (each receiver's error mapping).
 */

/** Retrying will not help: malformed or invalid data. HTTP 400, gRPC INVALID_ARGUMENT. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

/** The pipeline is overloaded or a store is briefly unavailable. HTTP 503/429, gRPC UNAVAILABLE. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  /** Suggested wait before the client retries. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The queue is full: a retryable error whose reason is counted as `queue_full`. */
export class QueueFullError extends RetryableError {
  readonly reason = 'queue_full';
}

/**
 * Admission refused a request before any work on it (too much in flight,
 * memory over its limit, the event loop lagging): retryable, with the
 * reason counted in metrics.
 */
export class OverloadError extends RetryableError {
  readonly reason: string;
  constructor(reason: string, message: string, retryAfterSeconds = 1) {
    super(message, retryAfterSeconds);
    this.reason = reason;
  }
}

/** Input refused at the edge before decoding; carries the HTTP status to use. */
export class InputError extends PermanentError {
  readonly status: 400 | 404 | 405 | 413 | 415;
  readonly reason: string;
  constructor(status: 400 | 404 | 405 | 413 | 415, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export function isRetryable(err: unknown): err is RetryableError {
  return err instanceof RetryableError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
