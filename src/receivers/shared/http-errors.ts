import { InputError, PermanentError, RetryableError } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { refusalReason } from './ingest.ts';

export interface HttpRefusal {
  status: number;
  reason: string;
  message: string;
  /** Set for retryable refusals: the value of the Retry-After header. */
  retryAfterSeconds?: number;
}

/** Maps a classified error to an HTTP answer, once, for every HTTP receiver. */
export function toHttpRefusal(err: unknown): HttpRefusal {
  if (err instanceof InputError) return { status: err.status, reason: err.reason, message: err.message };
  if (err instanceof InvalidIdError) return { status: 400, reason: 'invalid_id', message: err.message };
  if (err instanceof RetryableError) {
    return { status: 503, reason: refusalReason(err), message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  }
  if (err instanceof PermanentError) return { status: 400, reason: 'invalid', message: err.message };
  return { status: 500, reason: 'internal_error', message: `internal error: ${(err as Error)?.message ?? String(err)}` };
}
