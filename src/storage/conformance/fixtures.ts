import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode, type Span } from '../../model/span.ts';

/**
 * A small shop's traces, with known answers for every search the API makes.
 * Times are relative to BASE (nanoseconds) so windows are easy to state.
 */
export const BASE = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

export const frontend = makeResource([
  { key: 'service.name', value: 'frontend' },
  { key: 'k8s.namespace.name', value: 'shop' },
]);
export const cart = makeResource([
  { key: 'service.name', value: 'cart' },
  { key: 'k8s.namespace.name', value: 'shop' },
  { key: 'host.name', value: 'node-7' },
]);
export const payment = makeResource([{ key: 'service.name', value: 'payment' }]);

export const TRACE = {
  /** frontend GET /cart (server, 120ms) -> cart GetCart (server, 100ms, http.status_code 200) */
  cartView: 'a1'.padStart(32, '0'),
  /** frontend POST /checkout (server, 900ms) -> payment Charge (client->server, error) */
  checkout: 'b2'.padStart(32, '0'),
  /** cart GetCart alone, 5ms, with an event "cache.miss" carrying key=user-42 */
  cacheMiss: 'c3'.padStart(32, '0'),
  /** a 64-bit trace ID (high half zero) */
  short64: '00000000000000000000000000000d4d',
} as const;

function span(traceId: string, spanId: string, parent: string, resource: typeof frontend, name: string, startMs: number, durMs: number, extra: Partial<Span> = {}): Span {
  return makeSpan({
    traceId,
    spanId: spanId.padStart(16, '0'),
    parentSpanId: parent === '' ? '' : parent.padStart(16, '0'),
    name,
    resource,
    startTimeUnixNano: BASE + BigInt(startMs) * MS,
    endTimeUnixNano: BASE + BigInt(startMs + durMs) * MS,
    ...extra,
  });
}

export function fixtureSpans(): Span[] {
  return [
    span(TRACE.cartView, '1', '', frontend, 'GET /cart', 0, 120, {
      kind: SpanKind.SERVER,
      attributes: [{ key: 'http.method', value: 'GET' }, { key: 'http.status_code', value: 200n }],
    }),
    span(TRACE.cartView, '2', '1', cart, 'GetCart', 10, 100, {
      kind: SpanKind.SERVER,
      attributes: [{ key: 'http.status_code', value: 200n }, { key: 'cart.items', value: 3n }],
    }),
    span(TRACE.checkout, '3', '', frontend, 'POST /checkout', 1000, 900, {
      kind: SpanKind.SERVER,
      attributes: [{ key: 'http.method', value: 'POST' }, { key: 'http.status_code', value: 500n }],
      status: { code: StatusCode.ERROR, message: 'payment failed' },
    }),
    span(TRACE.checkout, '4', '3', frontend, 'Charge', 1010, 800, { kind: SpanKind.CLIENT }),
    span(TRACE.checkout, '5', '4', payment, 'Charge', 1020, 700, {
      kind: SpanKind.SERVER,
      attributes: [{ key: 'amount', value: 12.5 }],
      status: { code: StatusCode.ERROR, message: 'card declined' },
    }),
    span(TRACE.cacheMiss, '6', '', cart, 'GetCart', 2000, 5, {
      kind: SpanKind.SERVER,
      events: [{ name: 'cache.miss', timeUnixNano: BASE + 2001n * MS, attributes: [{ key: 'key', value: 'user-42' }], droppedAttributesCount: 0 }],
    }),
    span(TRACE.short64, '7', '', payment, 'Refund', 3000, 50, { kind: SpanKind.INTERNAL }),
  ];
}
