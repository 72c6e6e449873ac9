import { InputError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { spansToJaegerTrace } from '../../protocols/jaeger-json/encoder.ts';
import { decodeExportRequestJson, rejectionMessage } from '../../protocols/otlp/index.ts';
import { readBody } from '../../receivers/shared/http-body.ts';
import type { QueryFailure } from '../errors.ts';
import { envelope, jsonResponse, legacyErrorResponse } from './respond.ts';
import type { QueryRouter } from './router.ts';

/** The UI uploads whole trace files: allow more than an ingest batch. */
export const TRANSFORM_MAX_BYTES = 64 * 1024 * 1024;

/**
 * `POST /api/transform`: OTLP JSON in, Jaeger's trace JSON out (one trace
 * per trace ID, no adjusters), so the UI can open an OTLP file.
 */
export function registerTransformRoute(r: QueryRouter): void {
  r.post('/api/transform', 'legacy', (f: QueryFailure) => legacyErrorResponse(f), async (c) => {
    const body = await readBody(c.env.incoming, TRANSFORM_MAX_BYTES);
    const result = decodeExportRequestJson(body.toString('utf8'));
    if (result.spans.length === 0 && result.rejected > 0) throw new InputError(400, 'invalid', rejectionMessage(result));
    const traces = groupByTrace(result.spans).map(spansToJaegerTrace);
    const errors = result.rejected > 0 ? [{ code: 400, msg: rejectionMessage(result) }] : null;
    return jsonResponse(envelope(traces, 0, errors));
  });
}

function groupByTrace(spans: Span[]): Span[][] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) (byTrace.get(s.traceId) ?? byTrace.set(s.traceId, []).get(s.traceId)!).push(s);
  return [...byTrace.values()];
}
