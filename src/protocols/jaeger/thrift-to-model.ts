import { PermanentError } from '../../component/errors.ts';
import type { Attribute } from '../../model/attributes.ts';
import { hexFromInt64Pair, normalizeParentSpanId, normalizeSpanId, normalizeTraceId } from '../../model/ids.ts';
import type { Span } from '../../model/span.ts';
import { NANOS_PER_MICRO } from '../../model/time.ts';
import type { JaegerSpanParts } from './jaeger-span.ts';
import { SpanBuilder, resourceFromProcess, withContext } from './span-builder.ts';
import type { ThriftBatch, ThriftSpan, ThriftTag } from './thrift-types.ts';

/** jaeger.thrift TagType values. */
const STRING = 0;
const DOUBLE = 1;
const BOOL = 2;
const LONG = 3;
const BINARY = 4;

/**
 * A decoded Thrift Batch as model spans. The process becomes one resource
 * shared by the batch's spans; microseconds become nanoseconds.
 */
export function thriftBatchToSpans(batch: ThriftBatch): Span[] {
  const resource = resourceFromProcess(batch.process.serviceName, tagsToAttributes(batch.process.tags, 'process'));
  const builder = new SpanBuilder();
  const out: Span[] = [];
  for (let i = 0; i < batch.spans.length; i++) out.push(builder.build(thriftSpanParts(batch.spans[i]!, i), resource));
  return out;
}

function thriftSpanParts(s: ThriftSpan, index: number): JaegerSpanParts {
  const where = `span ${index}`;
  const traceId = withContext(where, () => normalizeTraceId(hexFromInt64Pair(s.traceIdHigh, s.traceIdLow)));
  const spanId = withContext(where, () => normalizeSpanId(hex64(s.spanId)));
  const at = `${where} (${spanId})`;
  return {
    traceId,
    spanId,
    parentSpanId: withContext(at, () => normalizeParentSpanId(hex64(s.parentSpanId))),
    name: s.operationName,
    references: s.references.map((r, j) =>
      withContext(`${at}, reference ${j}`, () => ({
        refType: r.refType,
        traceId: normalizeTraceId(hexFromInt64Pair(r.traceIdHigh, r.traceIdLow)),
        spanId: normalizeSpanId(hex64(r.spanId)),
      })),
    ),
    flags: s.flags,
    startTimeUnixNano: s.startTime * NANOS_PER_MICRO,
    durationNanos: s.duration * NANOS_PER_MICRO,
    tags: tagsToAttributes(s.tags, at),
    logs: s.logs.map((l, j) => ({ timeUnixNano: l.timestamp * NANOS_PER_MICRO, fields: tagsToAttributes(l.fields, `${at}, log ${j}`) })),
  };
}

function tagsToAttributes(tags: ThriftTag[], where: string): Attribute[] {
  return tags.map((t) => ({ key: t.key, value: tagValue(t, where) }));
}

/** Exact types: LONG stays a bigint (int64 max survives), DOUBLE a number, BINARY bytes. */
function tagValue(t: ThriftTag, where: string): Attribute['value'] {
  switch (t.vType) {
    case STRING:
      return t.vStr ?? '';
    case DOUBLE:
      return t.vDouble ?? 0;
    case BOOL:
      return t.vBool ?? false;
    case LONG:
      return t.vLong ?? 0n;
    case BINARY:
      return t.vBinary ?? new Uint8Array(0);
    default:
      throw new PermanentError(`${where}: tag "${t.key.slice(0, 64)}" has unknown vType ${t.vType}`);
  }
}

function hex64(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

