import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeshConfig } from './config.ts';
import { forwardableHeaders, readBody } from './forward.ts';
import { decideSampling, extractContext, newRequestId, newTraceId } from './trace-context.ts';

/** What every listener works out before routing: the trace, the decision, the request ID and the body. */
export interface RequestStart {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
  requestId: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * Reads the incoming trace context and decides sampling as Envoy does: the
 * caller's decision stands; without one, the percentage decides. A request
 * without `x-request-id` gets one recording that decision.
 */
export async function startRequest(req: IncomingMessage, config: MeshConfig): Promise<RequestStart> {
  const ctx = extractContext(req.headers);
  const sampled = decideSampling(ctx.sampled, config.tracing.randomSamplingPercentage);
  const headers = forwardableHeaders(req.headers);
  let requestId = req.headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId === '') {
    requestId = newRequestId(sampled);
    headers['x-request-id'] = requestId;
  }
  const body = await readBody(req);
  return { traceId: ctx.traceId || newTraceId(), parentSpanId: ctx.parentSpanId, sampled, requestId, headers, body };
}

/** An HTTP listener on 127.0.0.1 with keep-alive, closed with its idle connections. */
export class Listener {
  private readonly server: http.Server;
  private readonly wantedPort: number;
  port = 0;

  constructor(port: number, handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
    this.wantedPort = port;
    this.server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      handle(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`proxy error: ${err.message}`);
      });
    });
  }

  listen(host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.wantedPort, host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** One keep-alive pool per proxy, as Envoy keeps per cluster. */
export function upstreamAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });
}
