import thrift from 'thrift';
import type { TProtocol } from 'thrift';
import type { ThriftBatch, ThriftSpan, ThriftTag } from '../../../src/protocols/jaeger/thrift-types.ts';

/**
 * Writes Jaeger Thrift with the Apache `thrift` library's own protocol
 * writers and field IDs typed in from jaeger.thrift, independently of the
 * reader under test.
 */
export type Encoding = 'binary' | 'compact';

const T = { BOOL: 2, DOUBLE: 4, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 };

function i64(v: bigint): InstanceType<typeof thrift.Int64> {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return new thrift.Int64(b);
}

function open(encoding: Encoding): { p: TProtocol; done(): Buffer } {
  let out = Buffer.alloc(0);
  const trans = new thrift.TBufferedTransport(undefined, (msg?: Buffer) => {
    if (msg) out = Buffer.concat([out, msg]);
  });
  const p = encoding === 'compact' ? new thrift.TCompactProtocol(trans) : new thrift.TBinaryProtocol(trans);
  return {
    p,
    done() {
      trans.flush();
      return out;
    },
  };
}

function field(p: TProtocol, name: string, type: number, id: number, write: () => void): void {
  p.writeFieldBegin(name, type as never, id);
  write();
  p.writeFieldEnd();
}

function list<X>(p: TProtocol, items: X[], write: (x: X) => void): void {
  p.writeListBegin(T.STRUCT as never, items.length);
  for (const x of items) write(x);
  p.writeListEnd();
}

function writeTag(p: TProtocol, t: ThriftTag): void {
  p.writeStructBegin('Tag');
  field(p, 'key', T.STRING, 1, () => p.writeString(t.key));
  field(p, 'vType', T.I32, 2, () => p.writeI32(t.vType));
  if (t.vStr !== undefined) field(p, 'vStr', T.STRING, 3, () => p.writeString(t.vStr!));
  if (t.vDouble !== undefined) field(p, 'vDouble', T.DOUBLE, 4, () => p.writeDouble(t.vDouble!));
  if (t.vBool !== undefined) field(p, 'vBool', T.BOOL, 5, () => p.writeBool(t.vBool!));
  if (t.vLong !== undefined) field(p, 'vLong', T.I64, 6, () => p.writeI64(i64(t.vLong!)));
  if (t.vBinary !== undefined) field(p, 'vBinary', T.STRING, 7, () => p.writeBinary(Buffer.from(t.vBinary!)));
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeSpan(p: TProtocol, s: ThriftSpan): void {
  p.writeStructBegin('Span');
  field(p, 'traceIdLow', T.I64, 1, () => p.writeI64(i64(s.traceIdLow)));
  field(p, 'traceIdHigh', T.I64, 2, () => p.writeI64(i64(s.traceIdHigh)));
  field(p, 'spanId', T.I64, 3, () => p.writeI64(i64(s.spanId)));
  field(p, 'parentSpanId', T.I64, 4, () => p.writeI64(i64(s.parentSpanId)));
  field(p, 'operationName', T.STRING, 5, () => p.writeString(s.operationName));
  if (s.references.length > 0) {
    field(p, 'references', T.LIST, 6, () =>
      list(p, s.references, (r) => {
        p.writeStructBegin('SpanRef');
        field(p, 'refType', T.I32, 1, () => p.writeI32(r.refType));
        field(p, 'traceIdLow', T.I64, 2, () => p.writeI64(i64(r.traceIdLow)));
        field(p, 'traceIdHigh', T.I64, 3, () => p.writeI64(i64(r.traceIdHigh)));
        field(p, 'spanId', T.I64, 4, () => p.writeI64(i64(r.spanId)));
        p.writeFieldStop();
        p.writeStructEnd();
      }),
    );
  }
  field(p, 'flags', T.I32, 7, () => p.writeI32(s.flags));
  field(p, 'startTime', T.I64, 8, () => p.writeI64(i64(s.startTime)));
  field(p, 'duration', T.I64, 9, () => p.writeI64(i64(s.duration)));
  field(p, 'tags', T.LIST, 10, () => list(p, s.tags, (t) => writeTag(p, t)));
  field(p, 'logs', T.LIST, 11, () =>
    list(p, s.logs, (l) => {
      p.writeStructBegin('Log');
      field(p, 'timestamp', T.I64, 1, () => p.writeI64(i64(l.timestamp)));
      field(p, 'fields', T.LIST, 2, () => list(p, l.fields, (t) => writeTag(p, t)));
      p.writeFieldStop();
      p.writeStructEnd();
    }),
  );
  // An unknown field a newer client might send: the reader must skip it.
  field(p, 'futureField', T.STRING, 99, () => p.writeString('ignored'));
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeBatch(p: TProtocol, b: ThriftBatch): void {
  p.writeStructBegin('Batch');
  field(p, 'process', T.STRUCT, 1, () => {
    p.writeStructBegin('Process');
    field(p, 'serviceName', T.STRING, 1, () => p.writeString(b.process.serviceName));
    field(p, 'tags', T.LIST, 2, () => list(p, b.process.tags, (t) => writeTag(p, t)));
    p.writeFieldStop();
    p.writeStructEnd();
  });
  field(p, 'spans', T.LIST, 2, () => list(p, b.spans, (s) => writeSpan(p, s)));
  if (b.seqNo !== undefined) field(p, 'seqNo', T.I64, 3, () => p.writeI64(i64(b.seqNo!)));
  p.writeFieldStop();
  p.writeStructEnd();
}

/** A bare Batch struct, as in the body of POST /api/traces. */
export function encodeBatch(b: ThriftBatch, encoding: Encoding = 'binary'): Buffer {
  const w = open(encoding);
  writeBatch(w.p, b);
  return w.done();
}

/** An agent datagram: the oneway message emitBatch(1: batch). */
export function encodeEmitBatch(b: ThriftBatch, encoding: Encoding, seqid = 1, name = 'emitBatch'): Buffer {
  const w = open(encoding);
  w.p.writeMessageBegin(name, 4 as never, seqid);
  w.p.writeStructBegin('Agent_emitBatch_args');
  field(w.p, 'batch', T.STRUCT, 1, () => writeBatch(w.p, b));
  w.p.writeFieldStop();
  w.p.writeStructEnd();
  w.p.writeMessageEnd();
  return w.done();
}

/** A batch with one span of each interesting shape, IDs as signed halves. */
export function sampleBatch(traceIdHigh: bigint, traceIdLow: bigint, service = 'thrift-svc'): ThriftBatch {
  const root: ThriftSpan = {
    traceIdLow,
    traceIdHigh,
    spanId: 0x1111n,
    parentSpanId: 0n,
    operationName: 'root-op',
    references: [],
    flags: 1,
    startTime: 1_700_000_000_000_001n,
    duration: 2_500n,
    tags: [
      { key: 'span.kind', vType: 0, vStr: 'server' },
      { key: 'big', vType: 3, vLong: 9223372036854775807n },
      { key: 'small', vType: 3, vLong: -9223372036854775808n },
      { key: 'ratio', vType: 1, vDouble: 0.25 },
      { key: 'ok', vType: 2, vBool: true },
      { key: 'blob', vType: 4, vBinary: new Uint8Array([0, 1, 254, 255]) },
      { key: 'error', vType: 2, vBool: true },
    ],
    logs: [{ timestamp: 1_700_000_000_000_500n, fields: [{ key: 'event', vType: 0, vStr: 'cache-miss' }, { key: 'size', vType: 3, vLong: 42n }] }],
  };
  const child: ThriftSpan = {
    ...root,
    spanId: -2n,
    parentSpanId: 0x1111n,
    operationName: 'child-op',
    references: [{ refType: 1, traceIdLow: 77n, traceIdHigh: 0n, spanId: 5n }],
    startTime: 1_700_000_000_000_100n,
    duration: 1_000n,
    tags: [{ key: 'span.kind', vType: 0, vStr: 'client' }],
    logs: [],
  };
  return { process: { serviceName: service, tags: [{ key: 'hostname', vType: 0, vStr: 'box-1' }, { key: 'pid', vType: 3, vLong: 4242n }] }, spans: [root, child], seqNo: 7n };
}
