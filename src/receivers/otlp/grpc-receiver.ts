import * as grpc from '@grpc/grpc-js';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { PermanentError, RetryableError, errorMessage } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { decodeExportRequest } from '../../protocols/otlp/proto-decoder.ts';
import { encodeExportResponse } from '../../protocols/otlp/proto-encoder.ts';
import type { DecodeResult } from '../../protocols/otlp/decode-result.ts';
import { listenGrpc, type GrpcListener } from '../../server/grpc.ts';
import type { ReceiverSettings } from '../shared/factory.ts';
import { Ingest } from '../shared/ingest.ts';
import { ingestDecoded, type ExportOutcome } from './outcome.ts';

export const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * The TraceService definition with our own (de)serializers: grpc-js hands the
 * handler the raw request bytes and the hand-written decoder builds model
 * spans from them in one pass (no protobufjs message in between). Decoding in
 * the handler rather than in the deserializer lets a malformed request get
 * INVALID_ARGUMENT (grpc-js turns deserializer exceptions into INTERNAL).
 */
export const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Uint8Array) => Buffer.from(b),
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (o: ExportOutcome) => Buffer.from(encodeExportResponse(o.rejectedSpans, o.errorMessage)),
    responseDeserialize: (b: Buffer) => b,
    originalName: 'export',
  },
};

/** OTLP/gRPC: opentelemetry.proto.collector.trace.v1.TraceService/Export. */
export class OtlpGrpcReceiver implements Receiver {
  private readonly settings: ReceiverSettings;
  private readonly port: number;
  private readonly next: TracesConsumer;
  private listener: GrpcListener | undefined;

  constructor(settings: ReceiverSettings, port: number, next: TracesConsumer) {
    this.settings = settings;
    this.port = port;
    this.next = next;
  }

  get boundPort(): number | undefined {
    return this.listener?.port;
  }

  async start(host: Host): Promise<void> {
    // Values are cut during decoding (see outcome.ts), so Ingest gets no limit of its own.
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver('otlp_grpc'), { maxAttributeValueLength: 0 });
    const implementation: grpc.UntypedServiceImplementation = {
      Export: (call: grpc.ServerUnaryCall<Buffer, ExportOutcome>, callback: grpc.sendUnaryData<ExportOutcome>) => {
        let result: DecodeResult;
        try {
          result = decodeExportRequest(call.request, { maxAttributeValueLength: this.settings.maxAttributeValueLength });
        } catch (err) {
          ingest.count.refusedRequest(err instanceof PermanentError ? 'malformed' : 'internal_error');
          callback(toGrpcError(err));
          return;
        }
        ingestDecoded(ingest, result, this.settings.maxAttributeValueLength).then(
          (outcome) => callback(null, outcome),
          (err: unknown) => callback(toGrpcError(err)),
        );
      },
    };
    this.listener = await listenGrpc(
      [{ definition: TRACE_SERVICE, implementation }],
      this.settings.host,
      this.port,
      'otlp grpc receiver',
      this.settings.maxRequestBytes,
    );
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}

/** The OTLP/gRPC mapping: bad data INVALID_ARGUMENT, overload UNAVAILABLE (clients retry), else INTERNAL. */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RetryableError) {
    const metadata = new grpc.Metadata();
    metadata.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    return { code: grpc.status.UNAVAILABLE, details: err.message, metadata };
  }
  if (err instanceof PermanentError || err instanceof InvalidIdError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  return { code: grpc.status.INTERNAL, details: `internal error: ${errorMessage(err)}` };
}
