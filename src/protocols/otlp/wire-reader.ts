import { PermanentError } from '../../component/errors.ts';

/**
 * A bounds-checked protobuf wire-format reader for the hand-written OTLP
 * decoder. Every length is checked against the bytes that remain before it
 * is used, so a hostile length prefix cannot make us allocate or read past
 * the buffer; every problem becomes a PermanentError naming the message
 * being read and the byte offset.
 */
export class WireReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /**
   * Where the decoder is, for error messages: which part and the indices of
   * resource_spans / scope_spans / spans (-1: not inside one). Plain numbers,
   * so tracking costs nothing until a message is needed.
   */
  part = '';
  /** Attribute string/bytes values longer than this are cut while decoding (0: never), and counted. */
  maxValueLength = 0;
  truncated = 0;
  rs = -1;
  ss = -1;
  sp = -1;
  private readonly b: NativeSlices;
  /** Where the last trace ID was read, so the spans of one trace (usually adjacent) share one string. */
  private lastIdPos = -1;
  private lastIdLen = 0;
  private lastId = '';

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    // Buffer's own slice decoders skip the argument checks of toString().
    this.b = (Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) as unknown as NativeSlices;
  }

  fail(problem: string): never {
    throw new PermanentError(`malformed OTLP protobuf: ${problem} at byte ${this.pos} (in ${this.where()})`);
  }

  where(): string {
    let w = 'ExportTraceServiceRequest';
    if (this.rs >= 0) w = `resource_spans[${this.rs}]`;
    if (this.ss >= 0) w += `.scope_spans[${this.ss}]`;
    if (this.sp >= 0) w += `.spans[${this.sp}]`;
    return this.part ? `${w}.${this.part}` : w;
  }

  /** A varint that must fit 32 bits (tags, lengths, enums, counts); larger values are cut to 32 bits as protobuf does. */
  uint32(): number {
    const buf = this.buf;
    let pos = this.pos;
    const end = buf.length;
    if (pos < end) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) this.fail('truncated varint');
      const b = buf[pos++]!;
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A signed int64 varint, exact as bigint. */
  int64(): bigint {
    const buf = this.buf;
    const b0 = buf[this.pos];
    if (b0 !== undefined && b0 < 0x80) {
      this.pos++;
      return SMALL_BIGINTS[b0]!;
    }
    let pos = this.pos;
    // Fast path: up to 7 bytes (49 bits) fit a double exactly.
    let small = 0;
    let mult = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= buf.length) this.fail('truncated varint');
      const b = buf[pos++]!;
      small += (b & 0x7f) * mult;
      if (b < 0x80) {
        this.pos = pos;
        return small < SMALL_BIGINTS.length ? SMALL_BIGINTS[small]! : BigInt(small);
      }
      mult *= 128;
    }
    pos = this.pos;
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) this.fail('truncated varint');
      const b = buf[pos++]!;
      value |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) {
        this.pos = pos;
        return BigInt.asIntN(64, value);
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  bool(): boolean {
    // A bool is a varint; anything non-zero is true.
    const start = this.pos;
    this.uint32();
    for (let i = start; i < this.pos; i++) if ((this.buf[i]! & 0x7f) !== 0) return true;
    return false;
  }

  fixed32(): number {
    if (this.pos + 4 > this.buf.length) this.fail('truncated fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.buf.length) this.fail('truncated fixed64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) this.fail('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix and returns where the field ends, checked against the buffer (and the enclosing message). */
  lengthEnd(limit: number = this.buf.length): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > limit) this.fail(`length ${len} exceeds the ${limit - this.pos} bytes left`);
    return end;
  }

  string(limit?: number): string {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    const len = end - start;
    if (len === 0) return '';
    if (len <= MAX_INTERNED) return this.interned(start, end);
    return this.b.utf8Slice(start, end);
  }

  /**
   * Short ASCII strings (attribute keys, service names, enum-like values)
   * repeat across spans: looking them up in a small direct-mapped cache
   * returns the same string object instead of allocating a new one, which
   * saves garbage collection here and memory in the store.
   */
  private interned(start: number, end: number): string {
    const buf = this.buf;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return this.b.utf8Slice(start, end);
      h = Math.imul(h ^ c, 0x01000193);
    }
    const slot = (h >>> 0) & (CACHE_SIZE - 1);
    const cached = STRING_CACHE[slot];
    const len = end - start;
    if (cached !== undefined && cached.length === len) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (cached.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const s = this.b.latin1Slice(start, end);
    STRING_CACHE[slot] = s;
    return s;
  }

  /** A copy, so a stored value does not pin the whole request buffer. */
  bytes(limit?: number): Uint8Array {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    // A plain Uint8Array copy (Buffer#slice would share the request's memory).
    return new Uint8Array(this.buf.subarray(start, end));
  }

  /** Lowercase hex of a length-delimited field ("" when empty); the caller checks its length. */
  hex(limit?: number): string {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    return start === end ? '' : this.b.hexSlice(start, end);
  }

  /** hex() for trace IDs: the spans of one trace usually follow each other, so the previous string is reused when the bytes match. */
  traceIdHex(limit?: number): string {
    const end = this.lengthEnd(limit);
    const start = this.pos;
    this.pos = end;
    const len = end - start;
    if (len === 0) return '';
    const buf = this.buf;
    const last = this.lastIdPos;
    if (len === this.lastIdLen) {
      let i = 0;
      while (i < len && buf[start + i] === buf[last + i]) i++;
      if (i === len) return this.lastId;
    }
    this.lastIdPos = start;
    this.lastIdLen = len;
    return (this.lastId = this.b.hexSlice(start, end));
  }

  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case 0:
        this.uint32();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(limit);
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        this.fail(`unsupported wire type ${wireType}`);
    }
    if (this.pos > limit) this.fail('truncated field');
  }

  expect(wireType: number, want: number, field: string): void {
    if (wireType !== want) this.fail(`field ${field} has wire type ${wireType}, expected ${want}`);
  }
}

interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}

/** Each BigInt() allocates; the small values (status codes, counts) come from here instead. */
const SMALL_BIGINTS: bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** Strings up to this many bytes are interned. */
const MAX_INTERNED = 40;
const CACHE_SIZE = 4096;
/** Process-wide: the same keys and values arrive in every request. */
const STRING_CACHE: (string | undefined)[] = new Array<string | undefined>(CACHE_SIZE).fill(undefined);
