import { makeResource, makeSpan } from '../../model/builders.ts';
import type { Span } from '../../model/span.ts';

/** Spans exercising every field and value type, for the OTLP codec tests. */
export function sampleSpans(): Span[] {
  const resource = makeResource(
    [
      { key: 'service.name', value: 'checkout' },
      { key: 'host.cores', value: 8n },
    ],
    1,
  );
  const scope = { name: 'io.waymark.test', version: '1.2.3', attributes: [{ key: 'lib', value: true }], droppedAttributesCount: 2 };
  const other = makeResource([{ key: 'service.name', value: 'payments' }]);
  return [
    makeSpan({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      parentSpanId: '',
      traceState: 'rojo=00f067aa0ba902b7',
      name: 'GET /cart',
      kind: 2,
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_000_223_456_789n,
      attributes: [
        { key: 'http.status_code', value: 200n },
        { key: 'int64.max', value: 9223372036854775807n },
        { key: 'int64.min', value: -9223372036854775808n },
        { key: 'ratio', value: 0.25 },
        { key: 'nan', value: NaN },
        { key: 'inf', value: -Infinity },
        { key: 'ok', value: false },
        { key: 'blob', value: new Uint8Array([0, 1, 254, 255]) },
        { key: 'list', value: ['a', 1n, 2.5, [true]] },
        { key: 'map', value: { kvlist: [{ key: 'inner', value: { kvlist: [{ key: 'deep', value: 'x' }] } }] } },
        { key: 'unicode', value: 'héllo ✓ 𝄞' },
        { key: '__proto__', value: 'kept' },
      ],
      droppedAttributesCount: 3,
      events: [
        { timeUnixNano: 1_700_000_000_150_000_001n, name: 'exception', attributes: [{ key: 'exception.type', value: 'Boom' }], droppedAttributesCount: 1 },
      ],
      droppedEventsCount: 4,
      links: [
        { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', traceState: 'a=b', attributes: [{ key: 'l', value: 1n }], droppedAttributesCount: 0, flags: 0x301 },
      ],
      droppedLinksCount: 5,
      status: { code: 2, message: 'failed' },
      flags: 0x101,
      resource,
      scope,
    }),
    makeSpan({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'c7ad6b7169203331',
      parentSpanId: 'b7ad6b7169203331',
      name: 'SELECT',
      kind: 3,
      startTimeUnixNano: 1_700_000_000_130_000_000n,
      endTimeUnixNano: 1_700_000_000_140_000_000n,
      resource,
      scope,
    }),
    makeSpan({
      traceId: '00000000000000000000000000000001',
      spanId: '0000000000000001',
      name: 'charge',
      startTimeUnixNano: 1n,
      endTimeUnixNano: 18446744073709551615n,
      resource: other,
    }),
  ];
}
