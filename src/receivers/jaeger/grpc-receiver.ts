import * as grpc from '@grpc/grpc-js';
import { PermanentError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { CollectorService, JaegerProto, grpcServiceDefinition } from '../../protocols/jaeger/proto.ts';
import { decodePostSpansRequest } from '../../protocols/jaeger/proto-to-model.ts';
import { GrpcReceiver, toGrpcError } from '../shared/grpc-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';

/** What the PostSpans deserializer hands the handler: model spans, or why there are none. */
type Decoded = { spans: Span[] } | { error: unknown };

const EMPTY_RESPONSE = Buffer.from(JaegerProto.PostSpansResponse.encode({}).finish());

/**
 * CollectorService with a PostSpans deserializer that decodes straight into
 * the model. It never throws: grpc-js would answer INTERNAL, and bad input
 * deserves INVALID_ARGUMENT, so a failure is passed on to the handler.
 */
export const COLLECTOR_SERVICE: grpc.ServiceDefinition = grpcServiceDefinition(CollectorService, {
  PostSpans: {
    requestDeserialize: (b: Buffer): Decoded => {
      try {
        return { spans: decodePostSpansRequest(b) };
      } catch (error) {
        return { error };
      }
    },
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
      PostSpans: (call: grpc.ServerUnaryCall<Decoded, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const decoded = call.request;
        if ('error' in decoded) {
          ingest.count.refusedRequest(decoded.error instanceof PermanentError || decoded.error instanceof InvalidIdError ? 'malformed' : 'internal_error');
          callback(toGrpcError(decoded.error));
          return;
        }
        ingest.ingest(decoded.spans).then(
          () => callback(null, {}),
          (err: unknown) => callback(toGrpcError(err)),
        );
      },
    };
  }
}
