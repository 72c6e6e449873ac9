import { getRequestListener, type HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './limits.ts';

export type HttpEnv = { Bindings: HttpBindings };

export interface HttpListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpListenOptions {
  limits?: ConnectionLimits;
  /**
   * Runs on each request as soon as its headers are in, before the app and
   * before any of the body is read; returns false when it answered the
   * request itself (admission refused it).
   */
  gate?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** How long a shutdown waits for requests in progress before it closes their connections. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Serves a Hono app on host:port; rejects (rather than crashing) when the port is taken.
 * Every connection is bounded in time (headers, whole request, keep-alive idle, socket
 * inactivity) and in number, so slow clients cannot hold sockets open.
 */
export async function listenHttp(app: Hono<HttpEnv>, host: string, port: number, name: string, options: HttpListenOptions = {}): Promise<HttpListener> {
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  const handle = getRequestListener(app.fetch);
  const gate = options.gate;
  let draining = false;
  // Responses not yet sent: on close they are told to end their connection.
  const running = new Set<ServerResponse>();
  const requestTimeout = limits.requestTimeoutMs;
  // Node refuses a header timeout longer than the request timeout.
  const headersTimeout = requestTimeout > 0 ? Math.min(limits.headerTimeoutMs, requestTimeout) : limits.headerTimeoutMs;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the header and request timeouts on this period (30 s by default), which would let a slow client outlive them by that much.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(headersTimeout || 1_000, requestTimeout || 1_000) / 4))),
    },
    (req, res) => {
      if (draining) {
        // A keep-alive client goes on sending on its connection after close(); answer this one and end it.
        res.setHeader('Connection', 'close');
      } else {
        running.add(res);
        res.once('close', () => running.delete(res));
      }
      if (gate && !gate(req, res)) return;
      void handle(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  // Socket inactivity: a connection on which nothing moves is destroyed.
  server.timeout = limits.idleTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`${name}: cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        draining = true;
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        sweep.unref();
        force.unref();
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          resolve();
        });
        for (const res of running) if (!res.headersSent) res.setHeader('Connection', 'close');
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
