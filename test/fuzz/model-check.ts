import type { Attribute, AttributeValue } from '../../src/model/attributes.ts';
import type { Span } from '../../src/model/span.ts';

/**
 * What every decoder's output must be, whatever came in: the model's own
 * invariants (ARCHITECTURE.md, src/model/span.ts). A decoder that returns
 * spans breaking them has let bad input through instead of refusing it.
 */
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
const MAX_U64 = 2n ** 64n - 1n;
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

export function checkSpans(spans: readonly Span[]): void {
  spans.forEach((s, i) => {
    const at = (field: string) => `span ${i}: ${field}`;
    check(TRACE_ID.test(s.traceId) && s.traceId !== ZERO_TRACE, at('traceId'), s.traceId);
    check(SPAN_ID.test(s.spanId) && s.spanId !== ZERO_SPAN, at('spanId'), s.spanId);
    check(s.parentSpanId === '' || (SPAN_ID.test(s.parentSpanId) && s.parentSpanId !== ZERO_SPAN), at('parentSpanId'), s.parentSpanId);
    check(isU64(s.startTimeUnixNano), at('startTimeUnixNano'), s.startTimeUnixNano);
    check(isU64(s.endTimeUnixNano), at('endTimeUnixNano'), s.endTimeUnixNano);
    check(Number.isInteger(s.kind) && s.kind >= 0 && s.kind <= 5, at('kind'), s.kind);
    check(s.status.code === 0 || s.status.code === 1 || s.status.code === 2, at('status.code'), s.status.code);
    check(typeof s.name === 'string' && typeof s.traceState === 'string' && typeof s.status.message === 'string', at('strings'), s.name);
    for (const [field, n] of [['flags', s.flags], ['droppedAttributesCount', s.droppedAttributesCount], ['droppedEventsCount', s.droppedEventsCount], ['droppedLinksCount', s.droppedLinksCount]] as const) {
      check(isU32(n), at(field), n);
    }
    checkAttributes(s.attributes, at('attributes'));
    checkAttributes(s.resource.attributes, at('resource.attributes'));
    checkAttributes(s.scope.attributes, at('scope.attributes'));
    check(typeof s.resource.serviceName === 'string' && s.resource.serviceName !== '', at('resource.serviceName'), s.resource.serviceName);
    s.events.forEach((e, j) => {
      check(isU64(e.timeUnixNano), at(`events[${j}].timeUnixNano`), e.timeUnixNano);
      check(typeof e.name === 'string' && isU32(e.droppedAttributesCount), at(`events[${j}]`), e.name);
      checkAttributes(e.attributes, at(`events[${j}].attributes`));
    });
    s.links.forEach((l, j) => {
      check(TRACE_ID.test(l.traceId) && l.traceId !== ZERO_TRACE, at(`links[${j}].traceId`), l.traceId);
      check(SPAN_ID.test(l.spanId) && l.spanId !== ZERO_SPAN, at(`links[${j}].spanId`), l.spanId);
      check(isU32(l.flags) && isU32(l.droppedAttributesCount), at(`links[${j}]`), l.flags);
      checkAttributes(l.attributes, at(`links[${j}].attributes`));
    });
  });
}

function checkAttributes(attrs: readonly Attribute[], where: string): void {
  check(Array.isArray(attrs), where, attrs);
  for (const a of attrs) {
    check(typeof a.key === 'string', `${where} key`, a.key);
    checkValue(a.value, `${where}["${a.key.slice(0, 40)}"]`);
  }
}

function checkValue(v: AttributeValue, where: string): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return;
    case 'bigint':
      check(v >= MIN_I64 && v <= MAX_I64, `${where} (int64)`, v);
      return;
  }
  if (v instanceof Uint8Array) return;
  if (Array.isArray(v)) {
    for (const x of v) checkValue(x, where);
    return;
  }
  check(typeof v === 'object' && v !== null && Array.isArray(v.kvlist), where, v);
  checkAttributes(v.kvlist, where);
}

const isU64 = (n: bigint) => typeof n === 'bigint' && n >= 0n && n <= MAX_U64;
const isU32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new ModelInvariantError(`decoded model breaks an invariant: ${what} = ${String(value).slice(0, 80)}`);
}

/** Not one of the classified errors: a target that meets it reports a crash. */
export class ModelInvariantError extends Error {}
