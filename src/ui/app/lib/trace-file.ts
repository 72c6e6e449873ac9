import { transformOtlp } from './api.ts';
import type { JaegerTrace } from './types.ts';

/**
 * Reads a trace file the user opened: Jaeger JSON (the API's envelope, a bare
 * trace or an array of them) is used as it is; OTLP JSON goes through
 * /api/transform. Nothing is stored.
 */
export async function readTraceFile(text: string): Promise<JaegerTrace[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`The file is not JSON: ${(err as Error).message}`);
  }
  const d = doc as { data?: unknown; resourceSpans?: unknown; result?: { resourceSpans?: unknown }; spans?: unknown };
  if (d && typeof d === 'object' && (Array.isArray(d.resourceSpans) || Array.isArray(d.result?.resourceSpans))) {
    return transformOtlp(JSON.stringify(d.result ?? d));
  }
  const list = Array.isArray(d) ? d : Array.isArray(d?.data) ? d.data : [d];
  const traces = list.filter(isJaegerTrace);
  if (traces.length === 0) throw new Error('The file is neither Jaeger JSON (traces with traceID, spans, processes) nor OTLP JSON (resourceSpans).');
  return traces;
}

function isJaegerTrace(t: unknown): t is JaegerTrace {
  const x = t as JaegerTrace;
  return !!x && typeof x === 'object' && typeof x.traceID === 'string' && Array.isArray(x.spans) && typeof x.processes === 'object';
}
