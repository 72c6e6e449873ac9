import { PermanentError, errorMessage } from '../../component/errors.ts';
import type { Attribute } from '../../model/attributes.ts';
import { spanIdFromBytes, traceIdFromBytes } from '../../model/ids.ts';
import type { Resource, Span } from '../../model/span.ts';
import type { JaegerSpanParts } from './jaeger-span.ts';
import { JaegerProto, ValueType, int64ToBigInt, timestampToNanos, type ProtoBatch, type ProtoKeyValue, type ProtoProcess, type ProtoSpan } from './proto.ts';
import { SpanBuilder, resourceFromProcess, withContext } from './span-builder.ts';

const EMPTY = new Uint8Array(0);

/** Decodes a PostSpansRequest (jaeger.api_v2) straight into model spans. */
export function decodePostSpansRequest(buf: Uint8Array): Span[] {
  let req: { batch?: ProtoBatch | null };
  try {
    req = JaegerProto.PostSpansRequest.decode(buf) as { batch?: ProtoBatch | null };
  } catch (err) {
    throw new PermanentError(`malformed Jaeger protobuf PostSpansRequest: ${errorMessage(err)}`);
  }
  return protoBatchToSpans(req.batch ?? {});
}

/**
 * A decoded api_v2 Batch as model spans. A span's own process wins over the
 * batch's, as in Jaeger; each distinct process becomes one shared resource.
 */
export function protoBatchToSpans(batch: ProtoBatch): Span[] {
  const resources = new Map<ProtoProcess, Resource>();
  const fallback: ProtoProcess = batch.process ?? {};
  const builder = new SpanBuilder();
  const out: Span[] = [];
  const spans = batch.spans ?? [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const process = s.process ?? fallback;
    let resource = resources.get(process);
    if (!resource) {
      resource = resourceFromProcess(process.serviceName ?? '', keyValuesToAttributes(process.tags, `span ${i} process`));
      resources.set(process, resource);
    }
    out.push(builder.build(protoSpanParts(s, i), resource));
  }
  return out;
}

function protoSpanParts(s: ProtoSpan, index: number): JaegerSpanParts {
  const where = `span ${index}`;
  const traceId = withContext(where, () => traceIdFromBytes(s.traceId ?? EMPTY));
  const spanId = withContext(where, () => spanIdFromBytes(s.spanId ?? EMPTY));
  const at = `${where} (${spanId})`;
  return {
    traceId,
    spanId,
    parentSpanId: '',
    name: s.operationName ?? '',
    references: (s.references ?? []).map((r, j) =>
      withContext(`${at}, reference ${j}`, () => ({
        refType: r.refType ?? 0,
        traceId: traceIdFromBytes(r.traceId ?? EMPTY),
        spanId: spanIdFromBytes(r.spanId ?? EMPTY),
      })),
    ),
    flags: s.flags ?? 0,
    startTimeUnixNano: timestampToNanos(s.startTime),
    durationNanos: timestampToNanos(s.duration),
    tags: keyValuesToAttributes(s.tags, at),
    logs: (s.logs ?? []).map((l, j) => ({ timeUnixNano: timestampToNanos(l.timestamp), fields: keyValuesToAttributes(l.fields, `${at}, log ${j}`) })),
  };
}

export function keyValuesToAttributes(kvs: ProtoKeyValue[] | null | undefined, where: string): Attribute[] {
  if (!kvs) return [];
  return kvs.map((kv) => ({ key: kv.key ?? '', value: keyValueValue(kv, where) }));
}

function keyValueValue(kv: ProtoKeyValue, where: string): Attribute['value'] {
  switch (kv.vType ?? ValueType.STRING) {
    case ValueType.STRING:
      return kv.vStr ?? '';
    case ValueType.BOOL:
      return kv.vBool ?? false;
    case ValueType.INT64:
      return int64ToBigInt(kv.vInt64);
    case ValueType.FLOAT64:
      return kv.vFloat64 ?? 0;
    case ValueType.BINARY:
      // Copied out of the request buffer the decoder sliced it from.
      return new Uint8Array(kv.vBinary ?? EMPTY);
    default:
      throw new PermanentError(`${where}: tag "${(kv.key ?? '').slice(0, 64)}" has unknown v_type ${kv.vType}`);
  }
}

