import { attributeToString, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import { ByteReader, ByteWriter } from './binary-codec.ts';
import { readValue, writeValue } from './record-codec.ts';

/**
 * Span attributes are stored once, as rows of span_attrs: (seq, key, value,
 * type, pos, raw). `value` is the text that search compares (the same as
 * attributeToString), and for strings, booleans, int64 and doubles it is
 * also exact: the typed value comes back from it and `type`. Values without
 * an exact text form (bytes, arrays, kvlists, and -0, which prints as "0")
 * also keep their binary encoding in `raw`. `pos` restores the order
 * (duplicate keys included). Event names and event attributes get rows of
 * type EVENT for search only: the events themselves stay in the span's blob.
 */
export const ATTR_STRING = 0;
export const ATTR_BOOL = 1;
export const ATTR_INT = 2;
export const ATTR_DOUBLE = 3;
export const ATTR_RAW = 4;
export const ATTR_EVENT = 5;

export interface AttrRow {
  type: number;
  value: string;
  raw?: Uint8Array;
}

export function attrRow(v: AttributeValue): AttrRow {
  switch (typeof v) {
    case 'string':
      return { type: ATTR_STRING, value: v };
    case 'boolean':
      return { type: ATTR_BOOL, value: v ? 'true' : 'false' };
    case 'bigint':
      return { type: ATTR_INT, value: v.toString() };
    case 'number':
      if (!Object.is(v, -0)) return { type: ATTR_DOUBLE, value: String(v) };
  }
  const w = new ByteWriter(64);
  writeValue(w, v);
  return { type: ATTR_RAW, value: attributeToString(v), raw: w.finish() };
}

/** The typed value of one stored row (never called for ATTR_EVENT rows). */
export function attrValue(type: number, value: string, raw: Uint8Array | null): AttributeValue {
  switch (type) {
    case ATTR_STRING:
      return value;
    case ATTR_BOOL:
      return value === 'true';
    case ATTR_INT:
      if (!/^-?\d+$/.test(value)) throw new RangeError(`embedded store: integer attribute row holds "${value.slice(0, 40)}"`);
      return BigInt(value);
    case ATTR_DOUBLE: {
      // String(x) is the shortest text that parses back to the same double (NaN and ±Infinity included).
      const n = Number(value);
      if (value.trim() === '' || (Number.isNaN(n) && value !== 'NaN')) throw new RangeError(`embedded store: double attribute row holds "${value.slice(0, 40)}"`);
      return n;
    }
    case ATTR_RAW:
      if (!raw) throw new RangeError('embedded store: attribute row without its encoding');
      return readValue(new ByteReader(raw));
    default:
      throw new RangeError(`embedded store: unknown attribute row type ${type}`);
  }
}

/** Rebuilds one span's attributes from its rows, in their original order. */
export function attributesFromRows(rows: { key: string; type: number; value: string; pos: number; raw: Uint8Array | null }[]): Attribute[] {
  const own = rows.filter((r) => r.type !== ATTR_EVENT).sort((a, b) => a.pos - b.pos);
  return own.map((r) => ({ key: r.key, value: attrValue(r.type, r.value, r.raw) }));
}
