import { PermanentError } from '../../component/errors.ts';
import { InvalidIdError, bytesToHex, normalizeParentSpanId } from '../../model/ids.ts';
import { ipv4FromBytes, ipv6FromBytes } from './endpoint-address.ts';
import { fieldError, microsFromBigInt, spanIdFromHex, traceIdFromHex } from './fields.ts';
import { zipkinProtoType } from './proto-schema.ts';
import { ZIPKIN_KINDS, spanLabel, type ZipkinEndpoint, type ZipkinKind, type ZipkinSpan } from './zipkin-span.ts';

/** What protobufjs hands back for zipkin.proto3 messages (keepCase field names). */
interface ProtoSpan {
  trace_id?: Uint8Array | number[];
  parent_id?: Uint8Array | number[];
  id?: Uint8Array | number[];
  kind?: number;
  name?: string;
  timestamp?: LongLike | number;
  duration?: LongLike | number;
  local_endpoint?: ProtoEndpoint | null;
  remote_endpoint?: ProtoEndpoint | null;
  annotations?: { timestamp?: LongLike | number; value?: string }[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}
interface ProtoEndpoint {
  service_name?: string;
  ipv4?: Uint8Array | number[];
  ipv6?: Uint8Array | number[];
  port?: number;
}
interface LongLike {
  low: number;
  high: number;
}

/** Zipkin v2 proto3 ListOfSpans (POST /api/v2/spans, application/x-protobuf) -> ZipkinSpan. */
export function decodeV2Proto(body: Uint8Array): ZipkinSpan[] {
  let message: { spans?: ProtoSpan[] };
  try {
    message = zipkinProtoType('ListOfSpans').decode(body) as unknown as { spans?: ProtoSpan[] };
  } catch (err) {
    throw new PermanentError(`malformed Zipkin proto3 ListOfSpans: ${(err as Error).message}`);
  }
  return (message.spans ?? []).map(readSpan);
}

function readSpan(p: ProtoSpan, index: number): ZipkinSpan {
  let where = spanLabel(index);
  const id = spanIdFromHex(bytesToHex(bytes(p.id)), where, 'id');
  where = spanLabel(index, id);
  const traceBytes = bytes(p.trace_id);
  if (traceBytes.length !== 8 && traceBytes.length !== 16) {
    throw new InvalidIdError(`${where}: trace_id: ${traceBytes.length} bytes, expected 8 or 16`);
  }
  const parent = bytes(p.parent_id);
  if (parent.length !== 0 && parent.length !== 8) throw new InvalidIdError(`${where}: parent_id: ${parent.length} bytes, expected 8`);
  const kind = p.kind ?? 0;
  if (!Number.isInteger(kind) || kind < 0 || kind > ZIPKIN_KINDS.length) throw fieldError(where, 'kind', `unknown value ${kind}`);
  return {
    index,
    traceId: traceIdFromHex(bytesToHex(traceBytes), where, 'trace_id'),
    id,
    parentId: normalizeParentSpanId(parent.length === 0 ? undefined : bytesToHex(parent)),
    name: p.name ?? '',
    kind: kind === 0 ? undefined : (ZIPKIN_KINDS[kind - 1] as ZipkinKind),
    timestamp: microsFromBigInt(toBigInt(p.timestamp), where, 'timestamp'),
    duration: microsFromBigInt(toBigInt(p.duration), where, 'duration'),
    localEndpoint: readEndpoint(p.local_endpoint),
    remoteEndpoint: readEndpoint(p.remote_endpoint),
    annotations: (p.annotations ?? []).map((a, i) => {
      const timestamp = microsFromBigInt(toBigInt(a.timestamp), where, `annotations[${i}].timestamp`);
      if (timestamp === undefined) throw fieldError(where, `annotations[${i}].timestamp`, 'required');
      return { timestamp, value: a.value ?? '' };
    }),
    // protobufjs builds map fields as plain objects; entries keep every key.
    tags: Object.entries(p.tags ?? {}),
    debug: p.debug ?? false,
    shared: p.shared ?? false,
  };
}

function readEndpoint(e: ProtoEndpoint | null | undefined): ZipkinEndpoint | undefined {
  if (!e) return undefined;
  const port = (e.port ?? 0) & 0xffff;
  return {
    serviceName: e.service_name || undefined,
    ipv4: ipv4FromBytes(bytes(e.ipv4)),
    ipv6: ipv6FromBytes(bytes(e.ipv6)),
    port: port === 0 ? undefined : port,
  };
}

/** protobufjs leaves an absent bytes field as its shared empty default, which may be a plain array. */
function bytes(v: Uint8Array | readonly number[] | undefined): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return Uint8Array.from(v ?? []);
}

function toBigInt(v: LongLike | number | undefined): bigint {
  if (v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}
