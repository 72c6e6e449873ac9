import thrift from 'thrift';
import type { TProtocol } from 'thrift';
import { PermanentError } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { ipv4FromInt, ipv6FromBytes } from './endpoint-address.ts';
import { fieldError, microsFromBigInt, parentIdFromHex, spanIdFromHex, traceIdFromHex } from './fields.ts';
import { ADDRESS_KEYS, type V1Annotation, type V1BinaryAnnotation, type V1Span } from './v1-span.ts';
import { spanLabel, type ZipkinEndpoint } from './zipkin-span.ts';

/** Thrift wire types used by zipkinCore.thrift. */
const T = { STOP: 0, BOOL: 2, I16: 6, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 } as const;

/** BinaryAnnotation.annotation_type values (zipkinCore.thrift AnnotationType). */
const A = { BOOL: 0, BYTES: 1, I16: 2, I32: 3, I64: 4, DOUBLE: 5, STRING: 6 } as const;

/**
 * Zipkin v1 Thrift (POST /api/v1/spans, application/x-thrift): a list<Span>
 * in TBinaryProtocol, read with the `thrift` library's protocol over the
 * body. Field IDs are those of zipkinCore.thrift beside this file. Every
 * declared length is checked against the bytes left; a field with the wrong
 * wire type is skipped, as Zipkin does.
 */
export function decodeV1Thrift(body: Uint8Array): V1Span[] {
  const r = new Reader(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  try {
    const { etype, size } = r.p.readListBegin();
    if (etype !== T.STRUCT) r.fail(`expected a list of Span structs, got list of Thrift type ${etype}`);
    r.checkCount(size, 'span');
    const spans: V1Span[] = [];
    for (let i = 0; i < size; i++) {
      r.where = spanLabel(i);
      spans.push(readSpan(r, i));
    }
    return spans;
  } catch (err) {
    if (err instanceof PermanentError || err instanceof InvalidIdError) throw err;
    return r.fail((err as Error).message || (err as Error).name);
  }
}

class Reader {
  readonly p: TProtocol;
  private readonly trans: { inBuf: Buffer; readPos: number };
  where = 'span list';

  constructor(buf: Buffer) {
    const trans = new thrift.TFramedTransport(buf);
    this.trans = trans as unknown as { inBuf: Buffer; readPos: number };
    this.p = new thrift.TBinaryProtocol(trans);
  }

  fail(problem: string): never {
    const truncated = problem === 'InputBufferUnderrunError' || /underrun|not enough data/i.test(problem);
    throw new PermanentError(
      `malformed Zipkin v1 Thrift: ${truncated ? 'body ends too early' : problem} at byte ${this.trans.readPos} (in ${this.where})`,
    );
  }

  /** Every element takes at least one byte: a longer list is a lie, refused before anything is allocated for it. */
  checkCount(size: number, of: string): void {
    const left = this.trans.inBuf.length - this.trans.readPos;
    if (size < 0) this.fail(`negative ${of} count ${size}`);
    if (size > left) this.fail(`${of} list declares ${size} elements but only ${left} bytes remain`);
  }

  /** Calls `field` per field; fields it does not take (returns false) are skipped with the library's depth-limited skip. */
  struct(field: (id: number, type: number) => boolean): void {
    for (;;) {
      const f = this.p.readFieldBegin();
      if (f.ftype === T.STOP) return;
      if (!field(f.fid, f.ftype)) this.p.skip(f.ftype);
    }
  }

  list<V>(of: string, read: () => V): V[] {
    const { etype, size } = this.p.readListBegin();
    this.checkCount(size, of);
    if (size > 0 && etype !== T.STRUCT) this.fail(`${of} list holds Thrift type ${etype}, expected struct`);
    const out: V[] = [];
    for (let i = 0; i < size; i++) out.push(read());
    return out;
  }

  i64(): bigint {
    const v = this.p.readI64();
    return v.buffer.readBigInt64BE(v.offset);
  }

  binary(): Buffer {
    return Buffer.from(this.p.readBinary());
  }
}

function readSpan(r: Reader, index: number): V1Span {
  let traceLow: bigint | undefined;
  let traceHigh = 0n;
  let id: bigint | undefined;
  let parent = 0n;
  let name = '';
  let timestamp = 0n;
  let duration = 0n;
  let debug = false;
  let annotations: V1Annotation[] = [];
  let binaryAnnotations: V1BinaryAnnotation[] = [];
  r.struct((fid, type) => {
    if (fid === 1 && type === T.I64) traceLow = r.i64();
    else if (fid === 3 && type === T.STRING) name = r.p.readString();
    else if (fid === 4 && type === T.I64) id = r.i64();
    else if (fid === 5 && type === T.I64) parent = r.i64();
    else if (fid === 6 && type === T.LIST) annotations = r.list('annotation', () => readAnnotation(r)).filter((a) => a !== undefined);
    else if (fid === 8 && type === T.LIST) binaryAnnotations = r.list('binary annotation', () => readBinaryAnnotation(r)).filter((b) => b !== undefined);
    else if (fid === 9 && type === T.BOOL) debug = r.p.readBool();
    else if (fid === 10 && type === T.I64) timestamp = r.i64();
    else if (fid === 11 && type === T.I64) duration = r.i64();
    else if (fid === 12 && type === T.I64) traceHigh = r.i64();
    else return false;
    return true;
  });
  let where = spanLabel(index);
  if (id === undefined) throw new InvalidIdError(`${where}: id: required`);
  const idHex = spanIdFromHex(hex64(id), where, 'id');
  where = spanLabel(index, idHex);
  if (traceLow === undefined) throw new InvalidIdError(`${where}: trace_id: required`);
  const traceHex = traceHigh === 0n ? hex64(traceLow) : hex64(traceHigh) + hex64(traceLow);
  return {
    index,
    traceId: traceIdFromHex(traceHex, where, 'trace_id'),
    id: idHex,
    parentId: parentIdFromHex(hex64(parent), where),
    name,
    timestamp: microsFromBigInt(timestamp, where, 'timestamp'),
    duration: microsFromBigInt(duration, where, 'duration'),
    debug,
    annotations,
    binaryAnnotations,
  };
}

function readEndpoint(r: Reader): ZipkinEndpoint {
  const e: ZipkinEndpoint = { serviceName: undefined, ipv4: undefined, ipv6: undefined, port: undefined };
  r.struct((fid, type) => {
    if (fid === 1 && type === T.I32) e.ipv4 = ipv4FromInt(r.p.readI32());
    // Unsigned 16 bits carried in a signed i16.
    else if (fid === 2 && type === T.I16) e.port = r.p.readI16() & 0xffff || undefined;
    else if (fid === 3 && type === T.STRING) e.serviceName = r.p.readString() || undefined;
    else if (fid === 4 && type === T.STRING) e.ipv6 = ipv6FromBytes(r.binary());
    else return false;
    return true;
  });
  return e;
}

/** Zipkin drops annotations without a timestamp or value; so do we. */
function readAnnotation(r: Reader): V1Annotation | undefined {
  let timestamp = 0n;
  let value: string | undefined;
  let endpoint: ZipkinEndpoint | undefined;
  r.struct((fid, type) => {
    if (fid === 1 && type === T.I64) timestamp = r.i64();
    else if (fid === 2 && type === T.STRING) value = r.p.readString();
    else if (fid === 3 && type === T.STRUCT) endpoint = readEndpoint(r);
    else return false;
    return true;
  });
  if (value === undefined) return undefined;
  const ts = microsFromBigInt(timestamp, r.where, 'annotation timestamp');
  return ts === undefined ? undefined : { timestamp: ts, value, endpoint };
}

/**
 * STRING values become tags; a BOOL 1 on ca/sa/ma is an address. Other
 * typed values, which Zipkin itself drops, are kept as their text (BYTES as base64).
 */
function readBinaryAnnotation(r: Reader): V1BinaryAnnotation | undefined {
  let key: string | undefined;
  let value: Buffer | undefined;
  let type: number = A.STRING;
  let endpoint: ZipkinEndpoint | undefined;
  r.struct((fid, t) => {
    if (fid === 1 && t === T.STRING) key = r.p.readString();
    else if (fid === 2 && t === T.STRING) value = r.binary();
    else if (fid === 3 && t === T.I32) type = r.p.readI32();
    else if (fid === 4 && t === T.STRUCT) endpoint = readEndpoint(r);
    else return false;
    return true;
  });
  if (key === undefined || value === undefined) return undefined;
  if (ADDRESS_KEYS.includes(key) && type === A.BOOL) {
    return value.length === 1 && value[0] === 1 && endpoint ? { key, stringValue: undefined, endpoint } : undefined;
  }
  return { key, stringValue: typedValueText(value, type, r.where, key), endpoint };
}

function typedValueText(v: Buffer, type: number, where: string, key: string): string {
  const need: Record<number, number> = { [A.BOOL]: 1, [A.I16]: 2, [A.I32]: 4, [A.I64]: 8, [A.DOUBLE]: 8 };
  const n = need[type];
  if (n !== undefined && v.length !== n) throw fieldError(where, `binary annotation "${key}"`, `${v.length} bytes for type ${type}, expected ${n}`);
  switch (type) {
    case A.STRING:
      return v.toString('utf8');
    case A.BOOL:
      return v[0] === 0 ? 'false' : 'true';
    case A.I16:
      return String(v.readInt16BE(0));
    case A.I32:
      return String(v.readInt32BE(0));
    case A.I64:
      return String(v.readBigInt64BE(0));
    case A.DOUBLE:
      return String(v.readDoubleBE(0));
    default:
      return v.toString('base64');
  }
}

function hex64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}
