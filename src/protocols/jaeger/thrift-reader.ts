import thrift from 'thrift';
import type { TProtocol } from 'thrift';
import { PermanentError, errorMessage } from '../../component/errors.ts';
import { FIELDS, TType, type ThriftBatch, type ThriftLog, type ThriftProcess, type ThriftSpan, type ThriftSpanRef, type ThriftTag } from './thrift-types.ts';

export type ThriftEncoding = 'binary' | 'compact';

/** Thrift message types: emitBatch is declared oneway, but some clients send it as a call. */
const MESSAGE_CALL = 1;
const MESSAGE_ONEWAY = 4;

/**
 * Reads Jaeger's Thrift structs with the Apache `thrift` library's protocols
 * over a buffer, one hand-written reader per struct (faster and clearer than
 * interpreting the IDL at run time). Unknown fields are skipped; every length
 * is checked against the bytes left before anything is read for it; every
 * problem becomes a PermanentError naming the struct being read.
 */
class Reader {
  readonly p: TProtocol;
  readonly encoding: ThriftEncoding;
  private readonly trans: { inBuf: Buffer; readPos: number };
  where = '';

  constructor(buf: Buffer, encoding: ThriftEncoding) {
    const trans = new thrift.TFramedTransport(buf);
    this.trans = trans as unknown as { inBuf: Buffer; readPos: number };
    this.p = encoding === 'compact' ? new thrift.TCompactProtocol(trans) : new thrift.TBinaryProtocol(trans);
    this.encoding = encoding;
  }

  get remaining(): number {
    return this.trans.inBuf.length - this.trans.readPos;
  }

  fail(problem: string): never {
    throw new PermanentError(`malformed Jaeger Thrift (${this.encoding}): ${problem} at byte ${this.trans.readPos}${this.where ? ` (in ${this.where})` : ''}`);
  }

  /** Calls `field` for each field; it returns false for fields it did not read, which are skipped. */
  struct(name: string, field: (id: number, type: number) => boolean): void {
    const outer = this.where;
    this.where = name;
    this.p.readStructBegin();
    for (;;) {
      const f = this.p.readFieldBegin();
      if (f.ftype === TType.STOP) break;
      if (!field(f.fid, f.ftype)) this.p.skip(f.ftype);
      this.p.readFieldEnd();
    }
    this.p.readStructEnd();
    this.where = outer;
  }

  list<T>(of: string, elemType: number, read: () => T): T[] {
    const { etype, size } = this.p.readListBegin();
    if (size < 0) this.fail(`negative length of ${of} list`);
    // Every element takes at least one byte: a longer list is a lie, refused before it allocates.
    if (size > this.remaining) this.fail(`${of} list declares ${size} elements but only ${this.remaining} bytes remain`);
    if (size > 0 && etype !== elemType) this.fail(`${of} list holds Thrift type ${etype}, expected ${elemType}`);
    const out: T[] = [];
    for (let i = 0; i < size; i++) out.push(read());
    this.p.readListEnd();
    return out;
  }

  i64(): bigint {
    const v = this.p.readI64();
    return v.buffer.readBigInt64BE(v.offset);
  }

  binary(): Uint8Array {
    // Copied: the span outlives the datagram or request buffer it came in.
    return new Uint8Array(this.p.readBinary());
  }
}

function is(id: number, type: number, spec: readonly [number, number]): boolean {
  return id === spec[0] && type === spec[1];
}

function readTag(r: Reader): ThriftTag {
  const t: ThriftTag = { key: '', vType: -1 };
  const F = FIELDS.Tag;
  r.struct('Tag', (id, type) => {
    if (is(id, type, F.key)) t.key = r.p.readString();
    else if (is(id, type, F.vType)) t.vType = r.p.readI32();
    else if (is(id, type, F.vStr)) t.vStr = r.p.readString();
    else if (is(id, type, F.vDouble)) t.vDouble = r.p.readDouble();
    else if (is(id, type, F.vBool)) t.vBool = r.p.readBool();
    else if (is(id, type, F.vLong)) t.vLong = r.i64();
    else if (is(id, type, F.vBinary)) t.vBinary = r.binary();
    else return false;
    return true;
  });
  if (t.vType === -1) r.fail(`tag "${t.key}" has no vType`);
  return t;
}

function readTags(r: Reader, of: string): ThriftTag[] {
  return r.list(of, TType.STRUCT, () => readTag(r));
}

function readLog(r: Reader): ThriftLog {
  const l: ThriftLog = { timestamp: 0n, fields: [] };
  const F = FIELDS.Log;
  r.struct('Log', (id, type) => {
    if (is(id, type, F.timestamp)) l.timestamp = r.i64();
    else if (is(id, type, F.fields)) l.fields = readTags(r, 'Log.fields');
    else return false;
    return true;
  });
  return l;
}

function readSpanRef(r: Reader): ThriftSpanRef {
  const ref: ThriftSpanRef = { refType: 0, traceIdLow: 0n, traceIdHigh: 0n, spanId: 0n };
  const F = FIELDS.SpanRef;
  r.struct('SpanRef', (id, type) => {
    if (is(id, type, F.refType)) ref.refType = r.p.readI32();
    else if (is(id, type, F.traceIdLow)) ref.traceIdLow = r.i64();
    else if (is(id, type, F.traceIdHigh)) ref.traceIdHigh = r.i64();
    else if (is(id, type, F.spanId)) ref.spanId = r.i64();
    else return false;
    return true;
  });
  return ref;
}

function readSpan(r: Reader): ThriftSpan {
  const s: ThriftSpan = {
    traceIdLow: 0n,
    traceIdHigh: 0n,
    spanId: 0n,
    parentSpanId: 0n,
    operationName: '',
    references: [],
    flags: 0,
    startTime: 0n,
    duration: 0n,
    tags: [],
    logs: [],
  };
  const F = FIELDS.Span;
  r.struct('Span', (id, type) => {
    if (is(id, type, F.traceIdLow)) s.traceIdLow = r.i64();
    else if (is(id, type, F.traceIdHigh)) s.traceIdHigh = r.i64();
    else if (is(id, type, F.spanId)) s.spanId = r.i64();
    else if (is(id, type, F.parentSpanId)) s.parentSpanId = r.i64();
    else if (is(id, type, F.operationName)) s.operationName = r.p.readString();
    else if (is(id, type, F.references)) s.references = r.list('Span.references', TType.STRUCT, () => readSpanRef(r));
    else if (is(id, type, F.flags)) s.flags = r.p.readI32();
    else if (is(id, type, F.startTime)) s.startTime = r.i64();
    else if (is(id, type, F.duration)) s.duration = r.i64();
    else if (is(id, type, F.tags)) s.tags = readTags(r, 'Span.tags');
    else if (is(id, type, F.logs)) s.logs = r.list('Span.logs', TType.STRUCT, () => readLog(r));
    else return false;
    return true;
  });
  return s;
}

function readProcess(r: Reader): ThriftProcess {
  const p: ThriftProcess = { serviceName: '', tags: [] };
  const F = FIELDS.Process;
  r.struct('Process', (id, type) => {
    if (is(id, type, F.serviceName)) p.serviceName = r.p.readString();
    else if (is(id, type, F.tags)) p.tags = readTags(r, 'Process.tags');
    else return false;
    return true;
  });
  return p;
}

function readBatchStruct(r: Reader): ThriftBatch {
  let process: ThriftProcess | undefined;
  let spans: ThriftSpan[] | undefined;
  let seqNo: bigint | undefined;
  const F = FIELDS.Batch;
  r.struct('Batch', (id, type) => {
    if (is(id, type, F.process)) process = readProcess(r);
    else if (is(id, type, F.spans)) spans = r.list('Batch.spans', TType.STRUCT, () => readSpan(r));
    else if (is(id, type, F.seqNo)) seqNo = r.i64();
    else return false;
    return true;
  });
  const batch: ThriftBatch = {
    process: process ?? r.fail('Batch has no process (field 1)'),
    spans: spans ?? r.fail('Batch has no spans (field 2)'),
  };
  if (seqNo !== undefined) batch.seqNo = seqNo;
  return batch;
}

/** Runs a read, turning the thrift library's exceptions (underruns, bad types, depth) into PermanentErrors. */
function guarded<T>(r: Reader, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    const msg = errorMessage(err);
    r.fail(msg === '' || (err as Error)?.name === 'InputBufferUnderrunError' ? 'truncated data' : msg);
  }
}

/** A bare Batch struct: the body of Jaeger's `POST /api/traces` (binary protocol). */
export function readThriftBatch(buf: Buffer, encoding: ThriftEncoding = 'binary'): ThriftBatch {
  const r = new Reader(buf, encoding);
  return guarded(r, () => readBatchStruct(r));
}

/** One agent UDP datagram: the Thrift message `Agent.emitBatch(1: Batch batch)`. */
export function readEmitBatchMessage(buf: Buffer, encoding: ThriftEncoding): ThriftBatch {
  const r = new Reader(buf, encoding);
  return guarded(r, () => {
    r.where = 'message header';
    const msg = r.p.readMessageBegin();
    const name = String(msg.fname);
    if (name !== 'emitBatch') {
      r.fail(name === 'emitZipkinBatch' ? 'emitZipkinBatch is not supported: send Zipkin spans to the Zipkin receiver' : `unknown method "${name.slice(0, 64)}", expected emitBatch`);
    }
    if (msg.mtype !== MESSAGE_ONEWAY && msg.mtype !== MESSAGE_CALL) r.fail(`message type ${msg.mtype}, expected oneway (4) or call (1)`);
    let batch: ThriftBatch | undefined;
    r.struct('emitBatch_args', (id, type) => {
      if (id !== 1 || type !== TType.STRUCT) return false;
      batch = readBatchStruct(r);
      return true;
    });
    r.p.readMessageEnd();
    return batch ?? r.fail('emitBatch has no batch argument (field 1)');
  });
}
