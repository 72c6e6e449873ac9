/**
 * A small growable byte writer and its reader, for the per-span blobs the
 * embedded store keeps (attributes, events, links, resources, scopes).
 * Binary rather than JSON because JSON cannot carry NaN, Infinity, int64 or
 * bytes exactly, and because varints keep the common small values to a byte.
 */
export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint, for counts and lengths (< 2^32). */
  uvar(n: number): void {
    this.ensure(5);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    if (s.length < 64) {
      // Short strings: write then back-patch the one-byte length (utf8 <= 3 bytes per UTF-16 unit).
      this.ensure(1 + s.length * 3);
      const start = this.pos + 1;
      const written = this.buf.write(s, start, 'utf8');
      if (written < 0x80) {
        this.buf[this.pos] = written;
        this.pos = start + written;
        return;
      }
    }
    const len = Buffer.byteLength(s);
    this.uvar(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.uvar(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  /** A copy of everything written since `from`. */
  slice(from: number): Uint8Array {
    return new Uint8Array(this.buf.subarray(from, this.pos));
  }

  /** Everything written, as a fresh Uint8Array (safe to transfer). */
  finish(): Uint8Array {
    return this.slice(0);
  }
}

export class ByteReader {
  private readonly buf: Buffer;
  private readonly view: DataView;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError('embedded store: truncated record');
    return this.buf[this.pos++]!;
  }

  uvar(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
      if (shift > 35) throw new RangeError('embedded store: varint too long');
    }
  }

  private take(len: number): number {
    const start = this.pos;
    if (start + len > this.buf.length) throw new RangeError('embedded store: truncated record');
    this.pos += len;
    return start;
  }

  string(): string {
    const len = this.uvar();
    const start = this.take(len);
    return this.buf.toString('utf8', start, start + len);
  }

  bytes(): Uint8Array {
    const len = this.uvar();
    const start = this.take(len);
    return new Uint8Array(this.buf.subarray(start, start + len));
  }

  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.take(8), true);
  }
}
