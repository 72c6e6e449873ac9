import { InputError, PermanentError, RetryableError } from '../component/errors.ts';
import { InvalidIdError } from '../model/ids.ts';
import { FilterUnsupportedError } from '../storage/api/storage.ts';

/** A query parameter that cannot be used: 400, naming the parameter. */
export class BadParamError extends InputError {
  constructor(param: string, problem: string) {
    super(400, 'bad_param', `${param}: ${problem}`);
  }
}

/** A trace asked for by ID that the store does not hold: 404. */
export class TraceNotFoundError extends Error {
  override readonly name = 'TraceNotFoundError';
  readonly traceId: string;
  constructor(traceId: string) {
    super('trace not found');
    this.traceId = traceId;
  }
}

/** A query that ran past its deadline (--query-timeout, or the gRPC call's own): 503, DEADLINE_EXCEEDED. */
export class QueryDeadlineError extends Error {
  override readonly name = 'QueryDeadlineError';
  constructor(ms: number, source: string) {
    super(`the query did not finish within ${ms} ms (${source}) and was stopped; narrow the search (a shorter window, more filters, a smaller limit)`);
  }
}

/** The client went away (closed the connection, cancelled the call): the query was stopped. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor() {
    super('the client cancelled the query');
  }
}

export interface QueryFailure {
  status: 400 | 404 | 405 | 413 | 415 | 500 | 503;
  message: string;
  /** Set for a trace that was not found. */
  traceId?: string;
}

/** The one mapping from an error to an HTTP status for every query route. */
export function toQueryFailure(err: unknown): QueryFailure {
  if (err instanceof TraceNotFoundError) return { status: 404, message: err.message, traceId: err.traceId };
  if (err instanceof QueryDeadlineError || err instanceof ClientGoneError) return { status: 503, message: err.message };
  if (err instanceof InputError) return { status: err.status, message: err.message };
  if (err instanceof InvalidIdError) return { status: 400, message: err.message };
  if (err instanceof FilterUnsupportedError) return { status: 400, message: err.message };
  if (err instanceof PermanentError) return { status: 400, message: err.message };
  if (err instanceof RetryableError) return { status: 503, message: err.message };
  return { status: 500, message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
