import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Span } from '../../src/model/span.ts';
import { encodeTracesData } from '../../src/protocols/otlp/proto-encoder.ts';
import { EXPORT_METHOD } from '../../src/receivers/otlp/grpc-receiver.ts';

/**
 * Real OTLP clients for load tests: OTLP/HTTP protobuf posts over keep-alive
 * connections (node:http, as the OpenTelemetry HTTP exporters send them) and
 * grpc-js TraceService/Export calls. Each send reports what the server said.
 */

export interface SendResult {
  /** HTTP status, or the gRPC status code mapped: 200 OK, 503 UNAVAILABLE/RESOURCE_EXHAUSTED; 0 when the connection failed or timed out. */
  status: number;
  /** The push-back's Retry-After (HTTP header or gRPC metadata), when there was one. */
  retryAfter?: string;
  /** grpc status code for gRPC sends. */
  grpcCode?: number;
  error?: string;
}

export class OtlpHttpSender {
  private readonly agent: http.Agent;
  private readonly port: number;
  private readonly timeoutMs: number;

  constructor(port: number, { connections = 1, timeoutMs = 60_000 }: { connections?: number; timeoutMs?: number } = {}) {
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  send(spans: readonly Span[]): Promise<SendResult> {
    return this.post(Buffer.from(encodeTracesData(spans)));
  }

  post(body: Buffer): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/v1/traces',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const retryAfter = res.headers['retry-after'];
            const status = res.statusCode ?? 0;
            // The answer's text (google.rpc.Status or JSON) says why a request was refused.
            const error = status === 200 ? undefined : Buffer.concat(chunks).toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').trim();
            resolve({ status, ...(retryAfter ? { retryAfter: String(retryAfter) } : {}), ...(error ? { error } : {}) });
          });
          res.on('error', (err) => resolve({ status: 0, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', (err) => resolve({ status: 0, error: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export class OtlpGrpcSender {
  private readonly client: grpc.Client;
  private readonly deadlineMs: number;

  constructor(port: number, { deadlineMs = 60_000 }: { deadlineMs?: number } = {}) {
    this.deadlineMs = deadlineMs;
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  send(spans: readonly Span[]): Promise<SendResult> {
    return this.post(Buffer.from(encodeTracesData(spans)));
  }

  post(body: Buffer): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      this.client.makeUnaryRequest(
        EXPORT_METHOD,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        new grpc.Metadata(),
        { deadline: Date.now() + this.deadlineMs },
        (err) => {
          if (!err) return resolve({ status: 200, grpcCode: grpc.status.OK });
          const pushBack = err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.RESOURCE_EXHAUSTED;
          const retryAfter = err.metadata?.get('retry-after')[0];
          resolve({
            status: pushBack ? 503 : 0,
            grpcCode: err.code,
            error: err.details,
            ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
          });
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** A span's identity as the stores keep it. */
export const spanKey = (s: Span): string => `${s.traceId}/${s.spanId}`;
