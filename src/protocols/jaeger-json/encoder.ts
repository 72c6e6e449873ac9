import { shortTraceId } from '../../model/ids.ts';
import type { Resource, Span } from '../../model/span.ts';
import { NANOS_PER_MICRO } from '../../model/time.ts';
import { jaegerFlags } from '../jaeger/jaeger-span.ts';
import { attributesToKeyValues } from './key-values.ts';
import { spanTags } from './otel-tags.ts';
import { REF_TYPE_ATTRIBUTE, REF_TYPE_CHILD_OF, TAG, type JaegerKeyValue, type JaegerLog, type JaegerProcess, type JaegerReference, type JaegerSpan, type JaegerTrace } from './types.ts';

/** A span as the query layer hands it over: adjusters may attach warnings. */
export type SpanWithWarnings = Span & { readonly warnings?: readonly string[] };

/**
 * One trace in Jaeger's JSON. The spans must share one trace ID. Processes
 * are numbered p1, p2... in order of first use, one per distinct service
 * name + tags, as Jaeger's converter does.
 */
export function spansToJaegerTrace(spans: readonly SpanWithWarnings[]): JaegerTrace {
  const processes = new ProcessTable();
  const out: JaegerSpan[] = [];
  for (const s of spans) out.push(spanToJaeger(s, processes.idFor(s.resource)));
  return {
    traceID: spans.length > 0 ? shortTraceId(spans[0]!.traceId) : '',
    spans: out,
    processes: processes.all(),
    warnings: null,
  };
}

function spanToJaeger(span: SpanWithWarnings, processID: string): JaegerSpan {
  const traceID = shortTraceId(span.traceId);
  const duration = span.endTimeUnixNano > span.startTimeUnixNano ? span.endTimeUnixNano - span.startTimeUnixNano : 0n;
  const out: JaegerSpan = {
    traceID,
    spanID: span.spanId,
    flags: jaegerFlags(span.flags),
    operationName: span.name,
    references: references(span, traceID),
    startTime: micros(span.startTimeUnixNano),
    duration: micros(duration),
    tags: spanTags(span),
    logs: span.events.map(eventToLog),
    processID,
    warnings: span.warnings && span.warnings.length > 0 ? [...span.warnings] : null,
  };
  if (out.flags === 0) delete out.flags;
  return out;
}

/** The parent first (Jaeger takes the first CHILD_OF as the parent), then the links. */
function references(span: Span, traceID: string): JaegerReference[] {
  const refs: JaegerReference[] = [];
  if (span.parentSpanId !== '') refs.push({ refType: 'CHILD_OF', traceID, spanID: span.parentSpanId });
  for (const link of span.links) {
    const childOf = link.attributes.some((a) => a.key === REF_TYPE_ATTRIBUTE && a.value === REF_TYPE_CHILD_OF);
    const linkTrace = shortTraceId(link.traceId);
    // A link that repeats the parent only says which kind of reference it is.
    if (span.parentSpanId !== '' && link.traceId === span.traceId && link.spanId === span.parentSpanId) {
      refs[0]!.refType = childOf ? 'CHILD_OF' : 'FOLLOWS_FROM';
      continue;
    }
    refs.push({ refType: childOf ? 'CHILD_OF' : 'FOLLOWS_FROM', traceID: linkTrace, spanID: link.spanId });
  }
  return refs;
}

function eventToLog(e: Span['events'][number]): JaegerLog {
  const fields: JaegerKeyValue[] = [];
  if (e.name !== '' && !e.attributes.some((a) => a.key === TAG.event)) fields.push({ key: TAG.event, type: 'string', value: e.name });
  attributesToKeyValues(e.attributes, fields);
  return { timestamp: micros(e.timeUnixNano), fields };
}

function micros(ns: bigint): number {
  return Number(ns / NANOS_PER_MICRO);
}

class ProcessTable {
  private readonly byResource = new Map<Resource, string>();
  private readonly byKey = new Map<string, string>();
  private readonly processes: Record<string, JaegerProcess> = {};

  idFor(resource: Resource): string {
    const known = this.byResource.get(resource);
    if (known !== undefined) return known;
    const process: JaegerProcess = {
      serviceName: resource.serviceName,
      tags: attributesToKeyValues(resource.attributes.filter((a) => a.key !== 'service.name')),
    };
    const key = JSON.stringify(process);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = `p${this.byKey.size + 1}`;
      this.byKey.set(key, id);
      this.processes[id] = process;
    }
    this.byResource.set(resource, id);
    return id;
  }

  all(): Record<string, JaegerProcess> {
    return this.processes;
  }
}
