import type * as grpc from '@grpc/grpc-js';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import { toGrpcError } from './grpc-errors.ts';

/** Times every call into the query latency histogram (api "grpc") and maps its errors once. */
export class GrpcHandlers {
  private readonly metrics: WaymarkMetrics | undefined;
  private readonly service: string;

  constructor(service: string, metrics: WaymarkMetrics | undefined) {
    this.service = service;
    this.metrics = metrics;
  }

  unary<Req, Res>(method: string, fn: (req: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const done = this.timer(method);
      fn(call.request).then(
        (res) => {
          done();
          callback(null, res);
        },
        (err: unknown) => {
          done();
          callback(toGrpcError(err));
        },
      );
    };
  }

  /** `fn` sends messages with `send`, which waits while the client is slow to read. */
  serverStream<Req, Res>(method: string, fn: (req: Req, send: (msg: Res) => Promise<void>) => Promise<void>): grpc.handleServerStreamingCall<Req, Res> {
    return (call) => {
      const done = this.timer(method);
      const send = (msg: Res) =>
        new Promise<void>((resolve) => {
          if (call.write(msg)) resolve();
          else call.once('drain', () => resolve());
        });
      fn(call.request, send).then(
        () => {
          done();
          call.end();
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
