import fc from 'fast-check';

/**
 * Structural damage for valid messages. A mutation is a list of small edits
 * drawn by fast-check (so a failure shrinks to the fewest, smallest edits)
 * and applied in order; positions are taken modulo the current length.
 */

type ByteEdit =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'overwrite'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'copy'; at: number; len: number; to: number }
  | { op: 'repeat'; at: number; len: number; times: number };

/** Byte patterns that break length checks and integer decoding in protobuf and Thrift. */
export const NASTY_BYTES: readonly Uint8Array[] = [
  [0x80, 0x80, 0x80, 0x80, 0x08], // varint 2^31
  [0xff, 0xff, 0xff, 0xff, 0x0f], // varint 2^32-1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 10-byte varint, 2^64-1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 11-byte varint
  [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80], // unterminated varint
  [0x7f, 0xff, 0xff, 0xff], // i32 max (Thrift length)
  [0x80, 0x00, 0x00, 0x00], // i32 min
  [0xff, 0xff, 0xff, 0xfe], // -2
  [0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x0c, 0x7f, 0xff, 0xff, 0xff], // Thrift list<struct> of 2^31-1 elements
  [0x0d, 0x0b, 0x0b, 0x7f, 0xff, 0xff, 0xff], // Thrift map of 2^31-1 entries
  [0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c], // compact: nested structs
  [0xf9, 0xff, 0xff, 0xff, 0x07], // compact list header, huge count
  [0x0b, 0x0c, 0x0d, 0x0e, 0x0f], // protobuf tags with group / invalid wire types
  [0x00],
  [0x0a, 0xff, 0xff, 0xff, 0xff, 0x07], // field 1, length 2^31-1
  [0x7f, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // a double NaN
].map((b) => Uint8Array.from(b));

const someBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_BYTES) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
);

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff), fc.nat({ max: 255 })) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: someBytes }),
  fc.record({ op: fc.constant('overwrite' as const), at: fc.nat(), bytes: someBytes }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('copy' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }), times: fc.integer({ min: 2, max: 2000 }) }),
);

export function applyByteEdits(input: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let b = Buffer.from(input);
  for (const e of edits) {
    const at = e.at % (b.length + 1);
    switch (e.op) {
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'flip':
        if (at < b.length) b[at]! ^= 1 << e.bit;
        break;
      case 'set':
        if (at < b.length) b[at] = e.value;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(at)]);
        break;
      case 'overwrite':
        b = Buffer.concat([b.subarray(0, at), e.bytes, b.subarray(Math.min(b.length, at + e.bytes.length))]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.len)]);
        break;
      case 'copy': {
        const part = Buffer.from(b.subarray(at, at + e.len));
        const to = e.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), part, b.subarray(to)]);
        break;
      }
      case 'repeat': {
        const part = b.subarray(at, at + e.len);
        b = Buffer.concat([b.subarray(0, at), ...Array.from({ length: e.times }, () => part), b.subarray(at + e.len)]);
        break;
      }
    }
  }
  return new Uint8Array(b);
}

/**
 * A valid message, mostly damaged: 1 in 5 inputs is left intact (so the
 * happy path stays covered), the rest get one to four edits.
 */
export function damagedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(byteEdit, { minLength: 1, maxLength: 4 }) }))
    .map(([bytes, edits]) => applyByteEdits(bytes, edits));
}

/** Raw bytes with no structure at all, beside the structure-aware inputs. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 256 });

/** Damaged messages, with some purely random ones mixed in. */
export function fuzzBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 9, arbitrary: damagedBytes(valid) }, { weight: 1, arbitrary: randomBytes });
}

// ---- JSON ----

/** A number literal JSON.stringify cannot write (1e999, 30 digits): stands in the tree, spelled out when rendered. */
interface Raw {
  readonly [RAW]: string;
}
const RAW = '\u0000raw';
const raw = (literal: string): Raw => ({ [RAW]: literal }) as Raw;

/** Values of the wrong type, size or shape for any JSON field. */
export const weirdJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0.5, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, '', ' ', '0', '-1', 'NaN', 'Infinity', '-Infinity', 'true', 'null'),
  fc.constantFrom<unknown>(
    raw('1e999'),
    raw('-1e999'),
    raw('123456789012345678901234567890'),
    raw('18446744073709551616'),
    raw('9223372036854775808'),
    raw('-9223372036854775809'),
    raw('1.7976931348623157e309'),
    raw('0.0000000000000000000000000001'),
    raw('-0'),
  ),
  fc.constantFrom<unknown>('18446744073709551616', '99999999999999999999', '1e3', '0x10', '00000000000000000000000000000000', '0000000000000000', 'zz', 'ABCDEF', 'f'.repeat(33), 'f'.repeat(17), 'ff', '\ud800', '\u0000', '__proto__'),
  fc.constantFrom<unknown>([], {}, [[]], { a: {} }, [null], { __proto__: 1 }, JSON.parse('{"__proto__": {"x": 1}}')),
  fc.integer({ min: 1, max: 400 }).map((depth) => nest(depth)),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

function nest(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

type JsonEdit = { op: 'replace'; node: number; value: unknown } | { op: 'remove'; node: number } | { op: 'wrap'; node: number };

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), node: fc.nat(), value: weirdJson }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), node: fc.nat() }) },
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        visit(item);
      });
    } else if (typeof v === 'object' && v !== null && !(RAW in v)) {
      for (const [k, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        visit(item);
      }
    }
  };
  visit(root);
  return out;
}

export function applyJsonEdits(doc: unknown, edits: readonly JsonEdit[]): unknown {
  const root = { doc: structuredClone(doc) };
  for (const e of edits) {
    const all = [{ parent: root, key: 'doc' } as Slot, ...slots(root.doc)];
    const s = all[e.node % all.length]!;
    const p = s.parent as Record<string | number, unknown>;
    if (e.op === 'replace') p[s.key] = structuredClone(e.value);
    else if (e.op === 'wrap') p[s.key] = [p[s.key]];
    else if (Array.isArray(p)) p.splice(s.key as number, 1);
    else delete p[s.key];
  }
  return root.doc;
}

/** JSON text, spelling out raw number literals. */
export function renderJson(doc: unknown): string {
  const text = JSON.stringify(doc, (_k, v: unknown) => {
    if (typeof v === 'bigint') return raw(v.toString());
    return v;
  });
  return (text ?? 'null').replace(/\{"\\u0000raw":"([^"]*)"\}/g, '$1');
}

type TextEdit = { op: 'truncate'; at: number } | { op: 'insert'; at: number; text: Uint8Array } | { op: 'nest'; depth: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...['{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', 'NaN', 'Infinity', '1e999', '\ufeff', '\u0000'].map((s) => Uint8Array.from(Buffer.from(s)))),
      fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xf4, 0x90, 0x80, 0x80), Uint8Array.of(0xc0, 0xaf)),
    ),
  }),
  fc.record({ op: fc.constant('nest' as const), depth: fc.integer({ min: 100, max: 200_000 }) }),
);

export function applyTextEdits(bytes: Uint8Array, edits: readonly TextEdit[]): Uint8Array {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (e.op === 'nest') b = Buffer.concat([Buffer.from('['.repeat(e.depth)), b, Buffer.from(']'.repeat(e.depth))]);
    else {
      const at = e.at % (b.length + 1);
      b = e.op === 'truncate' ? b.subarray(0, at) : Buffer.concat([b.subarray(0, at), e.text, b.subarray(at)]);
    }
  }
  return new Uint8Array(b);
}

/**
 * A valid JSON document, mostly damaged: values of the wrong type or size put
 * in its tree, then (sometimes) the text itself broken: cut, invalid UTF-8,
 * stray syntax, nesting far deeper than any parser should follow.
 */
export function fuzzJson(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const treeEdits = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(jsonEdit, { minLength: 1, maxLength: 4 }) });
  const textEdits = fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(textEdit, { minLength: 1, maxLength: 3 }) });
  return fc
    .tuple(valid, treeEdits, textEdits)
    .map(([doc, tree, txt]) => applyTextEdits(Buffer.from(renderJson(applyJsonEdits(doc, tree))), txt));
}
