import * as grpc from '@grpc/grpc-js';
import { PermanentError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { CollectorService, JaegerProto, grpcServiceDefinition } from '../../protocols/jaeger/proto.ts';
import { decodePostSpansRequest } from '../../protocols/jaeger/proto-to-model.ts';
import { GrpcReceiver, toGrpcError } from '../shared/grpc-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';

const EMPTY_RESPONSE = Buffer.from(JaegerProto.PostSpansResponse.encode({}).finish());

/**
 * CollectorService handing PostSpans the raw bytes: admission sees the size
 * before any decoding, and the handler decodes straight into the model (a
 * failure there is INVALID_ARGUMENT; grpc-js answers INTERNAL to a throwing
 * deserializer).
 */
export const COLLECTOR_SERVICE: grpc.ServiceDefinition = grpcServiceDefinition(CollectorService, {
  PostSpans: {
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: () => EMPTY_RESPONSE,
  },
});

/** Jaeger's gRPC collector endpoint: jaeger.api_v2.CollectorService/PostSpans. */
export class JaegerGrpcReceiver extends GrpcReceiver {
  protected readonly label = 'jaeger_grpc';
  protected readonly description = 'jaeger grpc receiver';
  protected readonly definition = COLLECTOR_SERVICE;

  protected implementation(ingest: Ingest): grpc.UntypedServiceImplementation {
    return {
      PostSpans: (call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        let spans: Span[];
        try {
          spans = decodePostSpansRequest(call.request);
        } catch (error) {
          ingest.count.refusedRequest(error instanceof PermanentError || error instanceof InvalidIdError ? 'malformed' : 'internal_error');
          callback(toGrpcError(error));
          return;
        }
        ingest.ingest(spans).then(
          () => callback(null, {}),
          (err: unknown) => callback(toGrpcError(err)),
        );
      },
    };
  }
}
