import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PermanentError } from '../../../src/component/errors.ts';
import { InvalidIdError } from '../../../src/model/ids.ts';
import { decodeZipkin, modelToZipkin, type ZipkinJsonSpan } from '../../../src/protocols/zipkin/index.ts';
import { zipkinProtoType } from '../../../src/protocols/zipkin/proto-schema.ts';
import { encodeV1Thrift, type ThriftEndpoint, type ThriftV1Span } from '../../zipkin/v1-thrift-writer.ts';
import { spans } from '../model-arb.ts';
import { fuzzBytes, fuzzJson } from '../mutate.ts';
import { checkSpans } from '../model-check.ts';
import type { FuzzTarget } from '../target.ts';

const expected = (err: unknown): boolean => err instanceof PermanentError || err instanceof InvalidIdError;

/** Zipkin JSON spans as OpenTelemetry's exporter writes them, with endpoints that have addresses and ports. */
const zipkinSpans: fc.Arbitrary<ZipkinJsonSpan[]> = fc
  .tuple(spans, fc.array(fc.record({ ipv4: fc.ipV4(), ipv6: fc.ipV6(), port: fc.integer({ min: 1, max: 65535 }), shared: fc.boolean() }), { minLength: 1, maxLength: 3 }))
  .map(([s, endpoints]) =>
    modelToZipkin(s).map((z, i) => {
      const e = endpoints[i % endpoints.length]!;
      const out: ZipkinJsonSpan & { shared?: boolean } = { ...z, localEndpoint: { ...z.localEndpoint, ipv4: e.ipv4, port: e.port } };
      if (i % 2 === 1) out.remoteEndpoint = { serviceName: 'peer', ipv6: e.ipv6, port: e.port };
      if (e.shared && z.kind === 'SERVER') out.shared = true;
      return out;
    }),
  );

const bytesOfHex = (h: string | undefined): Uint8Array => (h ? Uint8Array.from(Buffer.from(h, 'hex')) : new Uint8Array(0));
const ipv4Bytes = (ip: string | undefined): Uint8Array => (ip ? Uint8Array.from(ip.split('.').map(Number)) : new Uint8Array(0));

function ipv6Bytes(ip: string | undefined): Uint8Array {
  if (!ip) return new Uint8Array(0);
  const [head, tail = ''] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const words = (parts: string[]): number[] =>
    parts.flatMap((p) => (p.includes('.') ? (([a, b, c, d]) => [(a! << 8) | b!, (c! << 8) | d!])(p.split('.').map(Number)) : [parseInt(p, 16)]));
  const h = words(groups(head));
  const t = ip.includes('::') ? words(groups(tail)) : [];
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return Uint8Array.from(out);
}

const KIND_NUMBER: Record<string, number> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };

function protoEndpoint(e: ZipkinJsonSpan['localEndpoint'] | undefined): object | undefined {
  if (!e) return undefined;
  return { service_name: e.serviceName ?? '', ipv4: ipv4Bytes(e.ipv4), ipv6: ipv6Bytes(e.ipv6), port: e.port ?? 0 };
}

/** Zipkin v2 proto3 ListOfSpans, written by protobufjs from zipkin.proto. */
export function encodeZipkinProto(list: (ZipkinJsonSpan & { shared?: boolean })[]): Uint8Array {
  const type = zipkinProtoType('ListOfSpans');
  const msg = {
    spans: list.map((z) => ({
      trace_id: bytesOfHex(z.traceId),
      parent_id: bytesOfHex(z.parentId),
      id: bytesOfHex(z.id),
      kind: z.kind ? KIND_NUMBER[z.kind] : 0,
      name: z.name,
      timestamp: String(z.timestamp),
      duration: String(z.duration),
      local_endpoint: protoEndpoint(z.localEndpoint),
      remote_endpoint: protoEndpoint(z.remoteEndpoint),
      annotations: (z.annotations ?? []).map((a) => ({ timestamp: String(a.timestamp), value: a.value })),
      tags: z.tags,
      debug: z.debug ?? false,
      shared: z.shared ?? false,
    })),
  };
  return type.encode(type.fromObject(msg)).finish();
}

const CORE_ANNOTATIONS: Record<string, [string, string]> = { CLIENT: ['cs', 'cr'], SERVER: ['sr', 'ss'], PRODUCER: ['ms', 'ws'], CONSUMER: ['wr', 'mr'] };

/** The same spans in Zipkin's v1 JSON model: core annotations for the kind, tags as binary annotations, the peer as "sa"/"ca". */
function toV1(z: ZipkinJsonSpan): Record<string, unknown> {
  const endpoint = z.localEndpoint;
  const annotations: { timestamp: number; value: string; endpoint: unknown }[] = [];
  const core = z.kind ? CORE_ANNOTATIONS[z.kind] : undefined;
  if (core) annotations.push({ timestamp: z.timestamp, value: core[0], endpoint }, { timestamp: z.timestamp + z.duration, value: core[1], endpoint });
  for (const a of z.annotations ?? []) annotations.push({ ...a, endpoint });
  const binaryAnnotations: Record<string, unknown>[] = Object.entries(z.tags).map(([key, value]) => ({ key, value, endpoint }));
  if (z.remoteEndpoint) binaryAnnotations.push({ key: z.kind === 'SERVER' ? 'ca' : 'sa', value: true, endpoint: z.remoteEndpoint });
  const out: Record<string, unknown> = { traceId: z.traceId, id: z.id, name: z.name, timestamp: z.timestamp, duration: z.duration, annotations, binaryAnnotations };
  if (z.parentId) out.parentId = z.parentId;
  if (z.debug) out.debug = true;
  return out;
}

function thriftEndpoint(e: ZipkinJsonSpan['localEndpoint'] | undefined): ThriftEndpoint | undefined {
  if (!e) return undefined;
  const b = ipv4Bytes(e.ipv4);
  return { serviceName: e.serviceName ?? '', port: e.port ?? 0, ipv4: b.length === 4 ? Buffer.from(b).readInt32BE(0) : 0 };
}

function toV1Thrift(z: ZipkinJsonSpan): ThriftV1Span {
  const v1 = toV1(z) as { annotations: { timestamp: number; value: string }[] };
  const host = thriftEndpoint(z.localEndpoint);
  const trace = z.traceId.padStart(32, '0');
  const out: ThriftV1Span = {
    traceId: BigInt.asIntN(64, BigInt(`0x${trace.slice(16)}`)),
    name: z.name,
    id: BigInt.asIntN(64, BigInt(`0x${z.id}`)),
    annotations: v1.annotations.map((a) => ({ timestamp: BigInt(a.timestamp), value: a.value, host })),
    binaryAnnotations: Object.entries(z.tags).map(([key, value]) => ({ key, value: Buffer.from(value), type: 6, host })),
    timestamp: BigInt(z.timestamp),
    duration: BigInt(z.duration),
  };
  if (trace.slice(0, 16) !== '0'.repeat(16)) out.traceIdHigh = BigInt.asIntN(64, BigInt(`0x${trace.slice(0, 16)}`));
  if (z.parentId) out.parentId = BigInt.asIntN(64, BigInt(`0x${z.parentId}`));
  if (z.remoteEndpoint) out.binaryAnnotations!.push({ key: 'sa', value: Buffer.from([1]), type: 0, host: thriftEndpoint(z.remoteEndpoint) });
  if (z.debug) out.debug = true;
  return out;
}

/**
 * Zipkin -> model -> Zipkin is stable: the first pass may normalize (an
 * `error` tag adds otel.status_code, a `service.name` tag beside the
 * endpoint's is dropped, as the collector does), after which nothing changes
 * or is lost.
 */
function zipkinFixedPoint(encoding: 'v2-json' | 'v2-proto', encode: (z: ZipkinJsonSpan[]) => Uint8Array) {
  const pass = (z: ZipkinJsonSpan[]) => modelToZipkin(decodeZipkin(encoding, encode(z)));
  return {
    input: spans.map((s) => modelToZipkin(s)),
    check(z: ZipkinJsonSpan[]) {
      const once = pass(z);
      assert.deepEqual(pass(once), once, `Zipkin ${encoding} round trip`);
    },
  };
}

export const zipkinV2Json: FuzzTarget<Uint8Array> = {
  name: 'zipkin-v2-json',
  input: fuzzJson(zipkinSpans),
  run: (buf) => checkSpans(decodeZipkin('v2-json', buf)),
  expected,
  roundTrip: zipkinFixedPoint('v2-json', (z) => Buffer.from(JSON.stringify(z))),
};

export const zipkinV2Proto: FuzzTarget<Uint8Array> = {
  name: 'zipkin-v2-proto',
  input: fuzzBytes(zipkinSpans.map(encodeZipkinProto)),
  run: (buf) => checkSpans(decodeZipkin('v2-proto', buf)),
  expected,
  roundTrip: zipkinFixedPoint('v2-proto', encodeZipkinProto),
};

export const zipkinV1Json: FuzzTarget<Uint8Array> = {
  name: 'zipkin-v1-json',
  input: fuzzJson(zipkinSpans.map((list) => list.map(toV1))),
  run: (buf) => checkSpans(decodeZipkin('v1-json', buf)),
  expected,
};

export const zipkinV1Thrift: FuzzTarget<Uint8Array> = {
  name: 'zipkin-v1-thrift',
  input: fuzzBytes(zipkinSpans.map((list) => Uint8Array.from(encodeV1Thrift(list.map(toV1Thrift))))),
  run: (buf) => checkSpans(decodeZipkin('v1-thrift', buf)),
  expected,
};
