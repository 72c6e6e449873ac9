import * as grpc from '@grpc/grpc-js';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { PermanentError, RetryableError, errorMessage } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { CollectorService, JaegerProto, grpcServiceDefinition } from '../../protocols/jaeger/proto.ts';
import { decodePostSpansRequest } from '../../protocols/jaeger/proto-to-model.ts';
import { listenGrpc, type GrpcListener } from '../../server/grpc.ts';
import type { ReceiverSettings } from '../shared/factory.ts';
import { Ingest } from '../shared/ingest.ts';

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
export class JaegerGrpcReceiver implements Receiver {
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
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver('jaeger_grpc'), this.settings);
    const implementation: grpc.UntypedServiceImplementation = {
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
    this.listener = await listenGrpc(
      [{ definition: COLLECTOR_SERVICE, implementation }],
      this.settings.host,
      this.port,
      'jaeger grpc receiver',
      this.settings.maxRequestBytes,
    );
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}

/** Bad data INVALID_ARGUMENT; overload UNAVAILABLE with a retry hint (Jaeger clients retry it); else INTERNAL. */
function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RetryableError) {
    const metadata = new grpc.Metadata();
    metadata.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    return { code: grpc.status.UNAVAILABLE, details: err.message, metadata };
  }
  if (err instanceof PermanentError || err instanceof InvalidIdError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  return { code: grpc.status.INTERNAL, details: `internal error: ${errorMessage(err)}` };
}
