import thrift from 'thrift';

/**
 * Encodes Zipkin v1 spans as old clients POST them (a list<Span> in
 * TBinaryProtocol), with the `thrift` library's writer over a buffered
 * transport. Field IDs from src/protocols/zipkin/zipkinCore.thrift.
 */
export interface ThriftEndpoint {
  ipv4?: number;
  port?: number;
  serviceName: string;
}
export interface ThriftV1Span {
  traceId: bigint;
  traceIdHigh?: bigint;
  name: string;
  id: bigint;
  parentId?: bigint;
  annotations?: { timestamp: bigint; value: string; host?: ThriftEndpoint }[];
  binaryAnnotations?: { key: string; value: Buffer; type: number; host?: ThriftEndpoint }[];
  debug?: boolean;
  timestamp?: bigint;
  duration?: bigint;
}

const T = { STOP: 0, BOOL: 2, I16: 6, I32: 8, I64: 10, STRING: 11, STRUCT: 12, LIST: 15 } as const;
export const ANNOTATION_TYPE = { BOOL: 0, BYTES: 1, I16: 2, I32: 3, I64: 4, DOUBLE: 5, STRING: 6 } as const;

export function encodeV1Thrift(spans: ThriftV1Span[]): Buffer {
  let out = Buffer.alloc(0);
  const trans = new thrift.TBufferedTransport(undefined, (buf?: Buffer) => {
    if (buf) out = Buffer.concat([out, buf]);
  });
  const p = new thrift.TBinaryProtocol(trans);
  p.writeListBegin(T.STRUCT, spans.length);
  for (const s of spans) writeSpan(p, s);
  p.writeListEnd();
  trans.flush();
  return out;
}

function i64(v: bigint): { buffer: Buffer } {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, v));
  return { buffer: b };
}

function writeSpan(p: thrift.TBinaryProtocol, s: ThriftV1Span): void {
  p.writeStructBegin('Span');
  field(p, 1, T.I64, () => p.writeI64(i64(s.traceId) as never));
  field(p, 3, T.STRING, () => p.writeString(s.name));
  field(p, 4, T.I64, () => p.writeI64(i64(s.id) as never));
  if (s.parentId !== undefined) field(p, 5, T.I64, () => p.writeI64(i64(s.parentId!) as never));
  field(p, 6, T.LIST, () => {
    const list = s.annotations ?? [];
    p.writeListBegin(T.STRUCT, list.length);
    for (const a of list) {
      p.writeStructBegin('Annotation');
      field(p, 1, T.I64, () => p.writeI64(i64(a.timestamp) as never));
      field(p, 2, T.STRING, () => p.writeString(a.value));
      if (a.host) field(p, 3, T.STRUCT, () => writeEndpoint(p, a.host!));
      p.writeFieldStop();
      p.writeStructEnd();
    }
    p.writeListEnd();
  });
  field(p, 8, T.LIST, () => {
    const list = s.binaryAnnotations ?? [];
    p.writeListBegin(T.STRUCT, list.length);
    for (const b of list) {
      p.writeStructBegin('BinaryAnnotation');
      field(p, 1, T.STRING, () => p.writeString(b.key));
      field(p, 2, T.STRING, () => p.writeBinary(b.value));
      field(p, 3, T.I32, () => p.writeI32(b.type));
      if (b.host) field(p, 4, T.STRUCT, () => writeEndpoint(p, b.host!));
      p.writeFieldStop();
      p.writeStructEnd();
    }
    p.writeListEnd();
  });
  if (s.debug !== undefined) field(p, 9, T.BOOL, () => p.writeBool(s.debug!));
  if (s.timestamp !== undefined) field(p, 10, T.I64, () => p.writeI64(i64(s.timestamp!) as never));
  if (s.duration !== undefined) field(p, 11, T.I64, () => p.writeI64(i64(s.duration!) as never));
  if (s.traceIdHigh !== undefined) field(p, 12, T.I64, () => p.writeI64(i64(s.traceIdHigh!) as never));
  p.writeFieldStop();
  p.writeStructEnd();
}

function writeEndpoint(p: thrift.TBinaryProtocol, e: ThriftEndpoint): void {
  p.writeStructBegin('Endpoint');
  field(p, 1, T.I32, () => p.writeI32(e.ipv4 ?? 0));
  // Ports above 32767 go on the wire as negative i16.
  field(p, 2, T.I16, () => p.writeI16(((e.port ?? 0) << 16) >> 16));
  field(p, 3, T.STRING, () => p.writeString(e.serviceName));
  p.writeFieldStop();
  p.writeStructEnd();
}

function field(p: thrift.TBinaryProtocol, id: number, type: number, write: () => void): void {
  p.writeFieldBegin('', type, id);
  write();
  p.writeFieldEnd();
}

export function stringValue(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** The "true" marker of an address binary annotation (ca/sa/ma). */
export const ADDRESS_MARKER = Buffer.from([1]);

/** 10.0.0.1 packed as Zipkin v1 does. */
export function ipv4(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) | 0;
}
