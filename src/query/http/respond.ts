import type { QueryFailure } from '../errors.ts';
import type { QueryCall } from '../query-service.ts';

/** The header that carries the query service's notes (a cap applied, a trace cut), one per note. */
export const QUERY_WARNING_HEADER = 'Waymark-Query-Warning';

/** `res` with the call's notes as warning headers. */
export function withNotes(res: Response, call: QueryCall): Response {
  for (const note of call.notes) res.headers.append(QUERY_WARNING_HEADER, note);
  return res;
}

/** Go's json.MarshalIndent with Jaeger's indent, for `prettyPrint=true`. */
const PRETTY_INDENT = '    ';

export function jsonResponse(body: unknown, status = 200, pretty = false): Response {
  return new Response(JSON.stringify(body, null, pretty ? PRETTY_INDENT : undefined), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export interface LegacyError {
  code: number;
  msg: string;
  traceID?: string;
}

/** Jaeger's structuredResponse: every legacy endpoint except the metrics ones answers in it. */
export interface Envelope {
  data: unknown;
  total: number;
  limit: number;
  offset: number;
  errors: LegacyError[] | null;
}

export function envelope(data: unknown, total = 0, errors: LegacyError[] | null = null): Envelope {
  return { data, total, limit: 0, offset: 0, errors };
}

export function legacyError(failure: QueryFailure): LegacyError {
  const e: LegacyError = { code: failure.status, msg: failure.message };
  if (failure.traceId !== undefined) e.traceID = failure.traceId;
  return e;
}

export function legacyErrorResponse(failure: QueryFailure, pretty = false): Response {
  return jsonResponse(envelope(null, 0, [legacyError(failure)]), failure.status, pretty);
}

/** api_v3's error shape (grpc-gateway style). */
export function v3ErrorResponse(failure: QueryFailure): Response {
  return jsonResponse({ error: { httpCode: failure.status, message: failure.message } }, failure.status);
}
