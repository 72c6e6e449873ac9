import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { PermanentError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import {
  decodeExportRequest,
  decodeExportRequestJson,
  decodeExportRequestReflect,
  encodeExportResponse,
  encodeTracesData,
  EXPORT_REQUEST,
  EXPORT_RESPONSE,
  otlpType,
  spansToOtlpJson,
} from './index.ts';
import { otlpRoot } from './schema.ts';
import { sampleSpans } from './test-spans.ts';
import { plain } from '../../../test/support/plain.ts';

test('protobuf round trip: model -> encodeTracesData -> hand decoder is exact', () => {
  const spans = sampleSpans();
  const out = decodeExportRequest(encodeTracesData(spans));
  assert.equal(out.rejected, 0);
  assert.deepEqual(plain(out.spans), plain(spans));
  assert.equal(out.spans[0]!.attributes[1]!.value, 9223372036854775807n);
  assert.equal(out.spans[2]!.endTimeUnixNano, 18446744073709551615n);
});

test('the hand decoder and protobufjs reflection agree on the same bytes', () => {
  const buf = encodeTracesData(sampleSpans());
  assert.deepEqual(plain(decodeExportRequest(buf).spans), plain(decodeExportRequestReflect(buf).spans));
});

test('the encoder output is a valid ExportTraceServiceRequest for protobufjs', () => {
  const type = otlpType(EXPORT_REQUEST);
  const msg = type.toObject(type.decode(encodeTracesData(sampleSpans())), { longs: String }) as {
    resourceSpans: { scopeSpans: { spans: { startTimeUnixNano: string; name: string }[] }[] }[];
  };
  assert.equal(msg.resourceSpans.length, 2);
  assert.equal(msg.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano, '1700000000123456789');
  assert.equal(msg.resourceSpans[1]!.scopeSpans[0]!.spans[0]!.name, 'charge');
});

test('JSON round trip: spansToOtlpJson -> text -> decodeExportRequestJson is exact', () => {
  const spans = sampleSpans();
  const json = spansToOtlpJson(spans);
  const out = decodeExportRequestJson(JSON.stringify(json));
  assert.equal(out.rejected, 0);
  assert.deepEqual(plain(out.spans), plain(spans));
});

test('OTLP JSON uses hex IDs, decimal-string times and int64, integer enums', () => {
  const json = spansToOtlpJson(sampleSpans()) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  const s = json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(s.spanId, 'b7ad6b7169203331');
  assert.equal(s.startTimeUnixNano, '1700000000123456789');
  assert.equal(s.kind, 2);
  assert.deepEqual((s.attributes as unknown[])[1], { key: 'int64.max', value: { intValue: '9223372036854775807' } });
  assert.deepEqual(s.status, { message: 'failed', code: 2 });
});

test('spans of one ResourceSpans/ScopeSpans share their Resource and Scope objects', () => {
  const out = decodeExportRequest(encodeTracesData(sampleSpans())).spans;
  assert.equal(out[0]!.resource, out[1]!.resource);
  assert.equal(out[0]!.scope, out[1]!.scope);
  assert.notEqual(out[0]!.resource, out[2]!.resource);
  assert.equal(out[0]!.resource.serviceName, 'checkout');
  const json = decodeExportRequestJson(JSON.stringify(spansToOtlpJson(sampleSpans()))).spans;
  assert.equal(json[0]!.resource, json[1]!.resource);
});

test('JSON accepts snake_case keys, enum names, int64 as bare numbers (exact) and non-finite doubles', () => {
  const text = `{"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"svc"}}]},
    "scope_spans":[{"spans":[{"trace_id":"0AF7651916CD43DD8448EB211C80319C","span_id":"B7AD6B7169203331","parent_span_id":"",
    "name":"op","kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1700000000123456789,"end_time_unix_nano":"1700000000123456790",
    "attributes":[{"key":"big","value":{"int_value":9223372036854775807}},{"key":"neg","value":{"intValue":"-5"}},
    {"key":"nan","value":{"doubleValue":"NaN"}},{"key":"b","value":{"bytesValue":"AAH+/w=="}}],
    "status":{"code":"STATUS_CODE_ERROR","message":"x"}}]}]}]}`;
  const out = decodeExportRequestJson(text);
  assert.equal(out.rejected, 0);
  const s = out.spans[0]!;
  assert.equal(s.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(s.kind, 3);
  assert.equal(s.startTimeUnixNano, 1700000000123456789n);
  assert.equal(s.endTimeUnixNano, 1700000000123456790n);
  assert.equal(s.attributes[0]!.value, 9223372036854775807n);
  assert.equal(s.attributes[1]!.value, -5n);
  assert.ok(Number.isNaN(s.attributes[2]!.value));
  assert.deepEqual(s.attributes[3]!.value, new Uint8Array([0, 1, 254, 255]));
  assert.deepEqual(s.status, { code: 2, message: 'x' });
  assert.equal(s.resource.serviceName, 'svc');
});

function withIds(ids: Partial<Pick<Span, 'traceId' | 'spanId' | 'parentSpanId'>>[]): Span[] {
  const base = sampleSpans()[1]!;
  return ids.map((i) => ({ ...base, ...i }));
}

/** Writes one span with raw ID bytes, which the model-based encoder cannot express. */
function rawSpanRequest(traceId: Uint8Array, spanId: Uint8Array, parent?: Uint8Array): Uint8Array {
  const type = otlpType(EXPORT_REQUEST);
  const good = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'ok' };
  return type
    .encode(type.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [good, { traceId, spanId, parentSpanId: parent, name: 'bad' }] }] }] }))
    .finish();
}

test('invalid IDs reject only their span, with a reason naming the span', () => {
  const cases: [string, Uint8Array][] = [
    ['all-zero trace ID', rawSpanRequest(new Uint8Array(16), Buffer.alloc(8, 3))],
    ['8-byte trace ID', rawSpanRequest(Buffer.alloc(8, 1), Buffer.alloc(8, 3))],
    ['empty trace ID', rawSpanRequest(new Uint8Array(0), Buffer.alloc(8, 3))],
    ['4-byte span ID', rawSpanRequest(Buffer.alloc(16, 1), Buffer.alloc(4, 3))],
    ['all-zero span ID', rawSpanRequest(Buffer.alloc(16, 1), new Uint8Array(8))],
    ['3-byte parent span ID', rawSpanRequest(Buffer.alloc(16, 1), Buffer.alloc(8, 3), Buffer.alloc(3, 1))],
  ];
  for (const [name, buf] of cases) {
    for (const decode of [decodeExportRequest, decodeExportRequestReflect]) {
      const out = decode(buf);
      assert.equal(out.spans.length, 1, name);
      assert.equal(out.spans[0]!.name, 'ok', name);
      assert.equal(out.rejected, 1, name);
      assert.match(out.errors[0]!, /spans\[1\]: invalid (trace|span|parent span) ID/, name);
    }
  }
});

test('an all-zero parent span ID means a root span', () => {
  const out = decodeExportRequest(rawSpanRequest(Buffer.alloc(16, 1), Buffer.alloc(8, 3), new Uint8Array(8)));
  assert.equal(out.rejected, 0);
  assert.equal(out.spans[1]!.parentSpanId, '');
});

test('JSON: invalid hex IDs reject their span; a wrong type fails the request', () => {
  const spans = withIds([{ traceId: '0'.repeat(32) }, { spanId: 'zz' + '0'.repeat(14) }, {}]);
  const json = spansToOtlpJson(spans);
  const out = decodeExportRequestJson(JSON.stringify(json));
  assert.equal(out.rejected, 2);
  assert.equal(out.spans.length, 1);
  assert.match(out.errors.join(' '), /all zeros/);
  assert.match(out.errors.join(' '), /not hex/);
  assert.throws(() => decodeExportRequestJson('{"resourceSpans":{}}'), (e: Error) => e instanceof PermanentError && /resourceSpans: expected an array/.test(e.message));
  assert.throws(() => decodeExportRequestJson('{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}'), /startTimeUnixNano: expected nanoseconds/);
  assert.throws(() => decodeExportRequestJson('{"resourceSpans": [tru'), (e: Error) => e instanceof PermanentError && /malformed OTLP JSON/.test(e.message));
});

test('every truncation and seeded byte corruption of a request gives spans or PermanentError, never a crash', () => {
  const buf = encodeTracesData(sampleSpans());
  let failures = 0;
  for (let n = 0; n < buf.length; n++) {
    try {
      decodeExportRequest(buf.subarray(0, n));
    } catch (err) {
      assert.ok(err instanceof PermanentError, `prefix ${n}: ${String(err)}`);
      assert.match(err.message, /^malformed OTLP protobuf: .+ at byte \d+ \(in .+\)$/);
      failures++;
    }
  }
  assert.ok(failures > buf.length / 2);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 2000; i++) {
    const copy = Buffer.from(buf);
    for (let k = 0; k < 3; k++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
    try {
      decodeExportRequest(copy);
    } catch (err) {
      assert.ok(err instanceof PermanentError, String(err));
    }
  }
});

test('a huge declared length is refused before anything is allocated', () => {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).uint32(0x7fffffff);
  assert.throws(() => decodeExportRequest(w.finish()), /length 2147483647 exceeds the 0 bytes left/);
});

test('a known field with the wrong wire type is malformed; unknown fields are skipped', () => {
  assert.throws(() => decodeExportRequest(new Uint8Array([(1 << 3) | 0, 5])), /field 1 has wire type 0/);
  const w = protobuf.Writer.create();
  w.uint32((99 << 3) | 2).string('future field');
  w.uint32((98 << 3) | 0).uint32(7);
  const known = encodeTracesData(sampleSpans());
  const out = decodeExportRequest(Buffer.concat([w.finish(), known]));
  assert.equal(out.spans.length, 3);
});

test('attribute values nested past the depth limit are refused, in protobuf and JSON', () => {
  const deep = (n: number): unknown => (n === 0 ? { stringValue: 'x' } : { arrayValue: { values: [deep(n - 1)] } });
  const doc = { resourceSpans: [{ resource: { attributes: [{ key: 'deep', value: deep(200) }] }, scopeSpans: [] }] };
  assert.throws(() => decodeExportRequestJson(JSON.stringify(doc)), /nested deeper than 32/);
  // protobufjs refuses to build such a message itself, so it is written by hand.
  const deepProto = (n: number): Uint8Array => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).string('x'); // the innermost AnyValue
    let inner = w.finish();
    for (let i = 0; i < n; i++) {
      const array = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(inner).finish(); // ArrayValue.values
      inner = protobuf.Writer.create().uint32((5 << 3) | 2).bytes(array).finish(); // AnyValue.array_value
    }
    const kv = protobuf.Writer.create().uint32((1 << 3) | 2).string('deep').uint32((2 << 3) | 2).bytes(inner).finish();
    const resource = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(kv).finish();
    const rs = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(resource).finish();
    return protobuf.Writer.create().uint32((1 << 3) | 2).bytes(rs).finish();
  };
  assert.throws(() => decodeExportRequest(deepProto(200)), (e: Error) => e instanceof PermanentError && /nested deeper than 32/.test(e.message));
  assert.equal(decodeExportRequest(deepProto(20)).rejected, 0);
});

test('the resource may follow its scope_spans on the wire', () => {
  const spans = sampleSpans().slice(0, 2);
  const type = otlpType(EXPORT_REQUEST);
  const msg = type.toObject(type.decode(encodeTracesData(spans))) as { resourceSpans: { resource: unknown; scopeSpans: unknown[] }[] };
  const rs = msg.resourceSpans[0]!;
  // Field order reversed by hand: scope_spans (2) first, then resource (1).
  const rsType = otlpRoot().lookupType('opentelemetry.proto.trace.v1.ResourceSpans');
  const scopeBytes = rsType.encode(rsType.fromObject({ scopeSpans: rs.scopeSpans })).finish();
  const resourceBytes = rsType.encode(rsType.fromObject({ resource: rs.resource })).finish();
  const raw = Buffer.concat([Buffer.from([(1 << 3) | 2]), varint(scopeBytes.length + resourceBytes.length), scopeBytes, resourceBytes]);
  const out = decodeExportRequest(raw);
  assert.equal(out.spans.length, 2);
  assert.equal(out.spans[0]!.resource.serviceName, 'checkout');
});

function varint(n: number): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(n);
  return Buffer.from(w.finish());
}

test('ExportTraceServiceResponse: empty when all accepted, partial_success otherwise', () => {
  assert.equal(encodeExportResponse().length, 0);
  const type = otlpType(EXPORT_RESPONSE);
  const o = type.toObject(type.decode(encodeExportResponse(3, 'bad ids')), { longs: String });
  assert.deepEqual(o, { partialSuccess: { rejectedSpans: '3', errorMessage: 'bad ids' } });
});

test('an empty request decodes to no spans', () => {
  assert.deepEqual(decodeExportRequest(new Uint8Array(0)), { spans: [], rejected: 0, errors: [], truncated: 0 });
  assert.deepEqual(decodeExportRequestJson('{}'), { spans: [], rejected: 0, errors: [] });
});

test('decoding with maxAttributeValueLength cuts values as Ingest would (service name read after the cut)', async () => {
  const { truncateSpans } = await import('../../receivers/shared/ingest.ts');
  const buf = encodeTracesData(sampleSpans());
  const cutWhileDecoding = decodeExportRequest(buf, { maxAttributeValueLength: 3 });
  const reference = decodeExportRequest(buf);
  const n = truncateSpans(reference.spans, 3);
  assert.ok(n > 3);
  assert.equal(cutWhileDecoding.truncated, n);
  const withoutServiceName = (spans: Span[]) => plain(spans.map((s) => ({ ...s, resource: { ...s.resource, serviceName: '' } })));
  assert.deepEqual(withoutServiceName(cutWhileDecoding.spans), withoutServiceName(reference.spans));
  assert.equal(cutWhileDecoding.spans[0]!.resource.serviceName, 'che');
  assert.equal(decodeExportRequest(buf).truncated, 0);
});

test('JSON: a bare integer literal outside int64 / fixed64 is refused like its decimal string, never wrapped', () => {
  const doc = (attr: string, start: string) =>
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"x",
      "startTimeUnixNano":${start},"attributes":[{"key":"n","value":{"intValue":${attr}}}]}]}]}]}`;
  assert.throws(() => decodeExportRequestJson(doc('123456789012345678901234567890', '1')), /intValue: 123456789012345678901234567890 is outside int64/);
  assert.throws(() => decodeExportRequestJson(doc('9223372036854775808', '1')), /outside int64/);
  assert.throws(() => decodeExportRequestJson(doc('1e300', '1')), /outside int64/);
  assert.throws(() => decodeExportRequestJson(doc('1', '18446744073709551616')), /startTimeUnixNano: 18446744073709551616 is outside fixed64/);
  assert.throws(() => decodeExportRequestJson(doc('1', '-1234567890123456789')), /outside fixed64/);
  const ok = decodeExportRequestJson(doc('-9223372036854775808', '18446744073709551615')).spans[0]!;
  assert.equal(ok.attributes[0]!.value, -9223372036854775808n);
  assert.equal(ok.startTimeUnixNano, 18446744073709551615n);
});
