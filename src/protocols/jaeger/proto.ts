import type * as grpc from '@grpc/grpc-js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { PermanentError, errorMessage } from '../../component/errors.ts';

/**
 * Jaeger's api_v2 protobuf types (model, collector, query), loaded once from
 * the .proto files beside this module. Field names are protobufjs's
 * camelCase (`operationName`, `startTime`, `vInt64`, `processId`).
 */
const DIR = path.dirname(fileURLToPath(import.meta.url));

export const jaegerProtoRoot: protobuf.Root = new protobuf.Root().loadSync(
  [path.join(DIR, 'collector.proto'), path.join(DIR, 'query.proto')],
  { keepCase: false },
);
jaegerProtoRoot.resolveAll();

function type(name: string): protobuf.Type {
  return jaegerProtoRoot.lookupType(`jaeger.api_v2.${name}`);
}

export const JaegerProto = {
  KeyValue: type('KeyValue'),
  Log: type('Log'),
  SpanRef: type('SpanRef'),
  Process: type('Process'),
  Span: type('Span'),
  Trace: type('Trace'),
  Batch: type('Batch'),
  DependencyLink: type('DependencyLink'),
  PostSpansRequest: type('PostSpansRequest'),
  PostSpansResponse: type('PostSpansResponse'),
  GetTraceRequest: type('GetTraceRequest'),
  SpansResponseChunk: type('SpansResponseChunk'),
  ArchiveTraceRequest: type('ArchiveTraceRequest'),
  ArchiveTraceResponse: type('ArchiveTraceResponse'),
  TraceQueryParameters: type('TraceQueryParameters'),
  FindTracesRequest: type('FindTracesRequest'),
  GetServicesRequest: type('GetServicesRequest'),
  GetServicesResponse: type('GetServicesResponse'),
  GetOperationsRequest: type('GetOperationsRequest'),
  GetOperationsResponse: type('GetOperationsResponse'),
  GetDependenciesRequest: type('GetDependenciesRequest'),
  GetDependenciesResponse: type('GetDependenciesResponse'),
} as const;

export const CollectorService: protobuf.Service = jaegerProtoRoot.lookupService('jaeger.api_v2.CollectorService');
export const QueryService: protobuf.Service = jaegerProtoRoot.lookupService('jaeger.api_v2.QueryService');

/** Values of jaeger.api_v2.ValueType. */
export const ValueType = { STRING: 0, BOOL: 1, INT64: 2, FLOAT64: 3, BINARY: 4 } as const;
/** Values of jaeger.api_v2.SpanRefType. */
export const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;

/**
 * 64-bit integers as protobufjs hands them over after decode: a Long
 * (the `long` package is installed) or a number. To encode, pass a decimal
 * string (exact) or a number.
 */
export type ProtoInt64 = number | string | { low: number; high: number; unsigned?: boolean };

export interface ProtoTimestamp {
  seconds?: ProtoInt64 | null;
  nanos?: number | null;
}

export interface ProtoKeyValue {
  key?: string | null;
  vType?: number | null;
  vStr?: string | null;
  vBool?: boolean | null;
  vInt64?: ProtoInt64 | null;
  vFloat64?: number | null;
  vBinary?: Uint8Array | null;
}

export interface ProtoLog {
  timestamp?: ProtoTimestamp | null;
  fields?: ProtoKeyValue[] | null;
}

export interface ProtoSpanRef {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  refType?: number | null;
}

export interface ProtoProcess {
  serviceName?: string | null;
  tags?: ProtoKeyValue[] | null;
}

export interface ProtoSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  operationName?: string | null;
  references?: ProtoSpanRef[] | null;
  flags?: number | null;
  startTime?: ProtoTimestamp | null;
  /** google.protobuf.Duration: same shape as a Timestamp. */
  duration?: ProtoTimestamp | null;
  tags?: ProtoKeyValue[] | null;
  logs?: ProtoLog[] | null;
  process?: ProtoProcess | null;
  processId?: string | null;
  warnings?: string[] | null;
}

export interface ProtoBatch {
  spans?: ProtoSpan[] | null;
  process?: ProtoProcess | null;
}

/** An exact bigint from a decoded int64 (Long, number or decimal string). */
export function int64ToBigInt(v: ProtoInt64 | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** Nanoseconds since the epoch from a Timestamp (or a Duration's length). */
export function timestampToNanos(t: ProtoTimestamp | null | undefined): bigint {
  if (!t) return 0n;
  return int64ToBigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos ?? 0);
}

/** A Timestamp/Duration for encoding; nanos always in [0, 1e9) as the well-known types require. */
export function nanosToTimestamp(ns: bigint): { seconds: string; nanos: number } {
  let seconds = ns / 1_000_000_000n;
  let nanos = ns % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    seconds -= 1n;
  }
  return { seconds: seconds.toString(), nanos: Number(nanos) };
}

/**
 * What a request deserializer hands the handler for bytes that are not the
 * request message. Deserializers must not throw: grpc-js answers a throw with
 * INTERNAL, and bad input deserves INVALID_ARGUMENT, which the handler gives.
 */
export class MalformedRequest {
  readonly error: PermanentError;
  constructor(error: PermanentError) {
    this.error = error;
  }
}

/**
 * A grpc-js service definition for a protobufjs service, every method
 * encoding and decoding with protobufjs (a request that does not decode
 * becomes a MalformedRequest). `overrides` replaces the request
 * deserializer or response serializer of named methods (e.g. a PostSpans
 * that decodes straight into the model).
 */
export function grpcServiceDefinition(
  service: protobuf.Service,
  overrides: Record<string, Partial<Pick<grpc.MethodDefinition<unknown, unknown>, 'requestDeserialize' | 'responseSerialize'>>> = {},
): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType!;
    const res = method.resolvedResponseType!;
    def[method.name] = {
      path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: (m: unknown) => Buffer.from(req.encode(m as object).finish()),
      requestDeserialize: (b: Buffer) => {
        try {
          return req.decode(b);
        } catch (err) {
          return new MalformedRequest(new PermanentError(`malformed ${req.name}: ${errorMessage(err)}`));
        }
      },
      responseSerialize: (m: unknown) => Buffer.from(res.encode(m as object).finish()),
      responseDeserialize: (b: Buffer) => res.decode(b),
      ...overrides[method.name],
    };
  }
  return def as grpc.ServiceDefinition;
}
