import * as grpc from '@grpc/grpc-js';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import { MalformedRequest } from '../../protocols/jaeger/proto.ts';
import { newCall, type QueryCall } from '../query-service.ts';
import { toGrpcError } from './grpc-errors.ts';

/** The trailer key carrying the query service's notes (a cap applied, a trace cut), one value per note. */
export const QUERY_WARNING_TRAILER = 'waymark-query-warning';

/** The query call of a gRPC call: cancelled with it, and bounded by its deadline when it has one. */
function queryCallOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): QueryCall {
  const controller = new AbortController();
  (call as grpc.ServerUnaryCall<unknown, unknown>).once('cancelled', () => controller.abort());
  const d = call.getDeadline();
  const deadline = d instanceof Date ? d.getTime() : d;
  return newCall(controller.signal, Number.isFinite(deadline) ? deadline : undefined);
}

function trailer(q: QueryCall): grpc.Metadata {
  const m = new grpc.Metadata();
  for (const note of q.notes) m.add(QUERY_WARNING_TRAILER, note);
  return m;
}

/** Times every call into the query latency histogram (api "grpc") and maps its errors once. */
export class GrpcHandlers {
  private readonly metrics: WaymarkMetrics | undefined;
  private readonly service: string;

  constructor(service: string, metrics: WaymarkMetrics | undefined) {
    this.service = service;
    this.metrics = metrics;
  }

  unary<Req, Res>(method: string, fn: (req: Req, q: QueryCall) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const done = this.timer(method);
      const q = queryCallOf(call);
      malformed(call.request)
        .then(() => fn(call.request, q))
        .then(
          (res) => {
            done();
            callback(null, res, trailer(q));
          },
          (err: unknown) => {
            done();
            callback(toGrpcError(err));
          },
        );
    };
  }

  /** `fn` sends messages with `send`, which waits while the client is slow to read. */
  serverStream<Req, Res>(method: string, fn: (req: Req, send: (msg: Res) => Promise<void>, q: QueryCall) => Promise<void>): grpc.handleServerStreamingCall<Req, Res> {
    return (call) => {
      const done = this.timer(method);
      const q = queryCallOf(call);
      const send = (msg: Res) =>
        new Promise<void>((resolve) => {
          if (call.write(msg)) resolve();
          else call.once('drain', () => resolve());
        });
      malformed(call.request)
        .then(() => fn(call.request, send, q))
        .then(
          () => {
            done();
            call.end(trailer(q));
          },
          (err: unknown) => {
            done();
            call.emit('error', toGrpcError(err));
          },
        );
    };
  }

  private timer(method: string): () => void {
    const started = process.hrtime.bigint();
    const endpoint = `/${this.service}/${method}`;
    return () => this.metrics?.querySeconds.observe({ api: 'grpc', endpoint }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/** Rejects with the decoding error when the request bytes did not decode (see MalformedRequest). */
function malformed(request: unknown): Promise<void> {
  return request instanceof MalformedRequest ? Promise.reject(request.error) : Promise.resolve();
}
