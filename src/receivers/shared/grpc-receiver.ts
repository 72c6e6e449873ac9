import * as grpc from '@grpc/grpc-js';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { OverloadError, PermanentError, RetryableError, errorMessage } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { listenGrpc, type GrpcListener } from '../../server/grpc.ts';
import type { ReceiverSettings } from './factory.ts';
import { Ingest } from './ingest.ts';

/**
 * What every gRPC receiver shares: one grpc-js server with one service on
 * one port, its message size limit set to --max-request-bytes. A protocol
 * receiver extends this once and writes only its service implementation.
 */
export abstract class GrpcReceiver implements Receiver {
  protected readonly settings: ReceiverSettings;
  private readonly port: number;
  private readonly next: TracesConsumer;
  private listener: GrpcListener | undefined;

  /** The metrics label (`receiver="..."`) and the name used in start-up errors. */
  protected abstract readonly label: string;
  protected abstract readonly description: string;
  protected abstract readonly definition: grpc.ServiceDefinition;

  constructor(settings: ReceiverSettings, port: number, next: TracesConsumer) {
    this.settings = settings;
    this.port = port;
    this.next = next;
  }

  get boundPort(): number | undefined {
    return this.listener?.port;
  }

  async start(host: Host): Promise<void> {
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver(this.label), this.ingestLimits());
    this.listener = await listenGrpc(
      [{ definition: this.definition, implementation: this.admitted(this.implementation(ingest), ingest) }],
      this.settings.host,
      this.port,
      this.description,
      this.settings.maxRequestBytes,
      this.settings.connections,
    );
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }

  /** Receivers that truncate while decoding override this to turn Ingest's own pass off. */
  protected ingestLimits(): { maxAttributeValueLength: number } {
    return this.settings;
  }

  /**
   * The handlers must receive the raw message (a passthrough deserializer):
   * admission looks at its size before it is decoded and refuses at once.
   */
  protected abstract implementation(ingest: Ingest): grpc.UntypedServiceImplementation;

  private admitted(impl: grpc.UntypedServiceImplementation, ingest: Ingest): grpc.UntypedServiceImplementation {
    const admission = this.settings.admission;
    if (!admission) return impl;
    const out: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(impl)) {
      const unary = handler as grpc.handleUnaryCall<Buffer, unknown>;
      out[name] = ((call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const ticket = admission.admit(Buffer.isBuffer(call.request) ? call.request.length : 0);
        if (ticket instanceof OverloadError) {
          ingest.count.refusedRequest(ticket.reason);
          callback(toGrpcError(ticket));
          return;
        }
        unary(call, (err, value, trailer, flags) => {
          ticket.release();
          callback(err, value, trailer, flags);
        });
      }) as grpc.UntypedHandleCall;
    }
    return out;
  }
}

/**
 * The ingest mapping to gRPC status: bad data INVALID_ARGUMENT; overload
 * UNAVAILABLE with a retry-after hint (OTLP and Jaeger clients retry it);
 * anything else INTERNAL.
 */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RetryableError) {
    const metadata = new grpc.Metadata();
    metadata.set('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    return { code: grpc.status.UNAVAILABLE, details: err.message, metadata };
  }
  if (err instanceof PermanentError || err instanceof InvalidIdError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  return { code: grpc.status.INTERNAL, details: `internal error: ${errorMessage(err)}` };
}
