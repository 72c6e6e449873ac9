import * as grpc from '@grpc/grpc-js';
import { PermanentError } from '../../component/errors.ts';
import { decodeExportRequest } from '../../protocols/otlp/proto-decoder.ts';
import { encodeExportResponse } from '../../protocols/otlp/proto-encoder.ts';
import type { DecodeResult } from '../../protocols/otlp/decode-result.ts';
import { GrpcReceiver, toGrpcError } from '../shared/grpc-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';
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
export class OtlpGrpcReceiver extends GrpcReceiver {
  protected readonly label = 'otlp_grpc';
  protected readonly description = 'otlp grpc receiver';
  protected readonly definition = TRACE_SERVICE;

  // Values are cut during decoding (see outcome.ts), so Ingest gets no limit of its own.
  protected override ingestLimits(): { maxAttributeValueLength: number } {
    return { maxAttributeValueLength: 0 };
  }

  protected implementation(ingest: Ingest): grpc.UntypedServiceImplementation {
    return {
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
  }
}
