import { getAttribute, type Attribute } from './attributes.ts';
import { SpanKind, StatusCode, type InstrumentationScope, type Resource, type Span } from './span.ts';

export const UNKNOWN_SERVICE = 'unknown_service';

export function makeResource(attributes: Attribute[], droppedAttributesCount = 0): Resource {
  const svc = getAttribute(attributes, 'service.name');
  return {
    attributes,
    droppedAttributesCount,
    serviceName: typeof svc === 'string' && svc !== '' ? svc : UNKNOWN_SERVICE,
  };
}

export const EMPTY_SCOPE: InstrumentationScope = Object.freeze({
  name: '',
  version: '',
  attributes: [],
  droppedAttributesCount: 0,
}) as InstrumentationScope;

/** A span with every optional field at its empty value; converters fill in the rest. */
export function makeSpan(fields: Pick<Span, 'traceId' | 'spanId' | 'name' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'resource'> & Partial<Span>): Span {
  return {
    parentSpanId: '',
    traceState: '',
    kind: SpanKind.UNSPECIFIED,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.UNSET, message: '' },
    flags: 0,
    scope: EMPTY_SCOPE,
    ...fields,
  };
}
