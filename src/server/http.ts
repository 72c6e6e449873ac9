import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HttpEnv = { Bindings: HttpBindings };

export interface HttpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a Hono app on host:port; rejects (rather than crashing) when the port is taken. */
export async function listenHttp(app: Hono<HttpEnv>, host: string, port: number, name: string): Promise<HttpListener> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Keep-alive sockets must not hold shutdown open for long.
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 60_000;
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
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
