import fc from 'fast-check';
import type { Attribute, AttributeValue } from '../../src/model/attributes.ts';
import { makeResource } from '../../src/model/builders.ts';
import type { InstrumentationScope, Resource, Span, SpanKind } from '../../src/model/span.ts';

/**
 * Valid model spans, the seed of every structure-aware fuzz target: each
 * format's own encoder turns them into a valid message, which the mutators
 * then damage.
 */

/** Text that stresses decoders: ASCII, any Unicode (surrogate pairs too), and the edge lengths. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'service.name', 'span.kind', 'error', 'a'.repeat(300)) },
);

export const hex = (bytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex')).filter((h) => /[1-9a-f]/.test(h));

export const traceId: fc.Arbitrary<string> = fc.oneof(hex(16), hex(8).map((h) => h.padStart(32, '0')));
export const spanId: fc.Arbitrary<string> = hex(8);

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
/** Realistic times (microsecond-aligned, as Zipkin and Jaeger carry them) and the extremes. */
export const timeNanos: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 1_500_000_000_000_000n, max: 2_000_000_000_000_000n }).map((us) => us * 1000n),
  fc.constantFrom(1000n, (2n ** 53n - 1n) * 1000n),
);

const leaf: fc.Arbitrary<AttributeValue> = fc.oneof(
  text,
  fc.boolean(),
  int64,
  fc.double(),
  fc.uint8Array({ maxLength: 16 }),
);

export const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ value: AttributeValue; kv: Attribute }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.record({ kvlist: fc.array(tie('kv'), { maxLength: 3 }) })),
  kv: fc.record({ key: text, value: tie('value') }),
})).value;

export const attributes = (maxLength = 4): fc.Arbitrary<Attribute[]> => fc.array(fc.record({ key: text, value: attributeValue }), { maxLength });

/** Attributes whose values are strings, numbers and booleans only: what Zipkin and Jaeger tags carry. */
export const flatAttributes = (maxLength = 4): fc.Arbitrary<Attribute[]> =>
  fc.array(fc.record({ key: text.filter((k) => k !== ''), value: fc.oneof(text, fc.boolean(), int64) }), { maxLength });

export const resource: fc.Arbitrary<Resource> = fc
  .tuple(fc.option(text.filter((s) => s !== ''), { nil: undefined }), attributes(3), fc.nat({ max: 5 }))
  .map(([service, attrs, dropped]) => makeResource(service === undefined ? attrs : [{ key: 'service.name', value: service }, ...attrs], dropped));

export const scope: fc.Arbitrary<InstrumentationScope> = fc.record({ name: text, version: text, attributes: attributes(2), droppedAttributesCount: fc.nat({ max: 5 }) });

export const span = (res: Resource, sc: InstrumentationScope): fc.Arbitrary<Span> =>
  fc
    .record({
      traceId,
      spanId,
      parentSpanId: fc.oneof(fc.constant(''), spanId),
      traceState: fc.oneof(fc.constant(''), text),
      name: text,
      kind: fc.integer({ min: 0, max: 5 }) as fc.Arbitrary<SpanKind>,
      start: timeNanos,
      duration: fc.bigInt({ min: 0n, max: 10n ** 12n }).map((us) => us * 1000n),
      attributes: attributes(),
      droppedAttributesCount: fc.nat({ max: 9 }),
      events: fc.array(fc.record({ timeUnixNano: timeNanos, name: text, attributes: attributes(2), droppedAttributesCount: fc.nat({ max: 3 }) }), { maxLength: 2 }),
      droppedEventsCount: fc.nat({ max: 9 }),
      links: fc.array(
        fc.record({ traceId, spanId, traceState: text, attributes: attributes(2), droppedAttributesCount: fc.nat({ max: 3 }), flags: fc.nat({ max: 0x3ff }) }),
        { maxLength: 2 },
      ),
      droppedLinksCount: fc.nat({ max: 9 }),
      status: fc.record({ code: fc.constantFrom(0 as const, 1 as const, 2 as const), message: text }),
      flags: fc.nat({ max: 0x3ff }),
    })
    .filter((s) => s.parentSpanId !== s.spanId)
    .map(({ start, duration, ...s }) => ({ ...s, startTimeUnixNano: start, endTimeUnixNano: start + duration, resource: res, scope: sc }));

/** A batch of spans in one to three resources, each with one to two scopes (shared objects, as decoders produce). */
export const spans: fc.Arbitrary<Span[]> = fc
  .array(fc.tuple(resource, fc.array(scope, { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 3 })
  .chain((groups) => fc.tuple(...groups.flatMap(([res, scopes]) => scopes.map((sc) => fc.array(span(res, sc), { minLength: 1, maxLength: 3 })))))
  .map((lists) => lists.flat());

export { uint64 };
