import fc from 'fast-check';
import { attrRow, attrValue } from '../../../src/storage/embedded/attr-rows.ts';
import { ByteWriter } from '../../../src/storage/embedded/binary-codec.ts';
import { decodeResource, decodeScope, encodeResource, encodeScope, readSpanExtra, writeSpanExtra, type SpanExtra } from '../../../src/storage/embedded/record-codec.ts';
import { assertSame } from '../../support/plain.ts';
import { attributeValue, resource, scope, spans } from '../model-arb.ts';
import { fuzzBytes } from '../mutate.ts';
import type { FuzzTarget } from '../target.ts';

/** A damaged database file: the store's decoders say so with its own RangeError ("embedded store: ..."), never another failure. */
const expected = (err: unknown): boolean => err instanceof RangeError && err.message.startsWith('embedded store:');

function encodeExtra(e: SpanExtra): Uint8Array {
  const w = new ByteWriter(64);
  writeSpanExtra(w, e);
  return w.finish();
}

const extra: fc.Arbitrary<SpanExtra> = spans.map((s) => s[0]!);

type Record = { kind: 'extra' | 'resource' | 'scope'; bytes: Uint8Array } | { kind: 'attr'; type: number; value: string; raw: Uint8Array | null };

const DECODE = { extra: readSpanExtra, resource: decodeResource, scope: decodeScope };

/** The embedded store's blobs and attribute rows, as read back from a file that may be damaged. */
export const storeRecords: FuzzTarget<Record> = {
  name: 'store-records',
  input: fc.oneof(
    fuzzBytes(extra.map(encodeExtra)).map((bytes) => ({ kind: 'extra' as const, bytes })),
    fuzzBytes(resource.map(encodeResource)).map((bytes) => ({ kind: 'resource' as const, bytes })),
    fuzzBytes(scope.map(encodeScope)).map((bytes) => ({ kind: 'scope' as const, bytes })),
    fc
      .tuple(attributeValue, fc.option(fc.integer({ min: -1, max: 8 })), fc.option(fc.string({ maxLength: 8 })))
      .chain(([v, type, value]) => {
        const row = attrRow(v);
        return fuzzBytes(fc.constant(row.raw ?? new Uint8Array(0))).map((raw) => ({
          kind: 'attr' as const,
          type: type ?? row.type,
          value: value ?? row.value,
          raw: row.raw || type !== null ? raw : null,
        }));
      }),
  ),
  run: (r) => (r.kind === 'attr' ? attrValue(r.type, r.value, r.raw) : DECODE[r.kind](r.bytes)),
  expected,
  roundTrip: {
    input: fc.tuple(extra, resource, scope),
    check([e, res, sc]: [SpanExtra, typeof resource extends fc.Arbitrary<infer R> ? R : never, typeof scope extends fc.Arbitrary<infer S> ? S : never]) {
      const ex = readSpanExtra(encodeExtra(e));
      assertSame(
        ex,
        { droppedAttributesCount: e.droppedAttributesCount, events: e.events, droppedEventsCount: e.droppedEventsCount, links: e.links, droppedLinksCount: e.droppedLinksCount },
        'span extra round trip',
      );
      assertSame(decodeResource(encodeResource(res)), res, 'resource round trip');
      assertSame(decodeScope(encodeScope(sc)), sc, 'scope round trip');
    },
  },
};
