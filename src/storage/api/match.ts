import { attributeToString, type Attribute } from '../../model/attributes.ts';
import { StatusCode, type Span } from '../../model/span.ts';
import type { TagFilter, TraceQuery } from './query.ts';

/**
 * The reference implementation of Jaeger's search semantics on one span.
 * Backends that filter in their own engine must agree with it; the shared
 * storage conformance suite checks that they do.
 */
export function spanMatches(span: Span, q: TraceQuery): boolean {
  if (q.service !== undefined && span.resource.serviceName !== q.service) return false;
  if (q.operation !== undefined && span.name !== q.operation) return false;
  if (q.spanKind !== undefined && span.kind !== q.spanKind) return false;
  if (q.startTimeMin !== undefined && span.startTimeUnixNano < q.startTimeMin) return false;
  if (q.startTimeMax !== undefined && span.startTimeUnixNano > q.startTimeMax) return false;
  if (q.durationMin !== undefined || q.durationMax !== undefined) {
    const d = span.endTimeUnixNano - span.startTimeUnixNano;
    if (q.durationMin !== undefined && d < q.durationMin) return false;
    if (q.durationMax !== undefined && d > q.durationMax) return false;
  }
  for (const f of q.tags) if (!tagMatches(span, f)) return false;
  return true;
}

/**
 * `equals` and `exists` hold when any place carries the tag; `notEquals`
 * holds when the tag is present somewhere with a value other than the one
 * given, or absent everywhere (so `error!=true` finds the spans without an error).
 */
export function tagMatches(span: Span, f: TagFilter): boolean {
  const values = tagValues(span, f.key);
  switch (f.op) {
    case 'exists':
      return values.length > 0;
    case 'equals':
      return values.includes(f.value);
    case 'notEquals':
      return !values.includes(f.value);
  }
}

/** Every string value the key has on this span: attributes, resource, event fields, and the derived error/span.kind tags. */
export function tagValues(span: Span, key: string): string[] {
  const out: string[] = [];
  collect(span.attributes, key, out);
  collect(span.resource.attributes, key, out);
  for (const e of span.events) {
    if (key === 'event' && e.name !== '') out.push(e.name);
    collect(e.attributes, key, out);
  }
  if (key === 'error' && span.status.code === StatusCode.ERROR) out.push('true');
  if (key === 'otel.status_code' && span.status.code !== StatusCode.UNSET) {
    out.push(span.status.code === StatusCode.ERROR ? 'ERROR' : 'OK');
  }
  return out;
}

function collect(attrs: readonly Attribute[], key: string, out: string[]): void {
  for (const a of attrs) if (a.key === key) out.push(attributeToString(a.value));
}
