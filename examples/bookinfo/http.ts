import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * The headers Bookinfo's services copy from each incoming request to their
 * outgoing calls (productpage's list; reviews adds end-user). Trace headers
 * (traceparent, tracestate, x-b3-*) are not in it on purpose: the
 * OpenTelemetry propagators inject them for the client span, and copying the
 * incoming ones would overwrite that span as parent.
 */
export const FORWARDED_HEADERS = [
  'x-request-id',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'sw8',
  'user-agent',
  'cookie',
  'authorization',
  'jwt',
  'end-user',
];

export function forwardHeaders(incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const v = incoming[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

export interface Route {
  method: string;
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> | void;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A plain node:http server (so the HTTP instrumentation sees it) dispatching on method and path.
 * `host` is 127.0.0.1 behind the local mesh's sidecars, 0.0.0.0 in a pod, where Istio's sidecar
 * delivers inbound traffic to the pod IP.
 */
export function serve(port: number, routes: Route[], logger: Logger, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    for (const r of routes) {
      const m = r.method === req.method ? r.path.exec(path) : null;
      if (!m) continue;
      Promise.resolve(r.handle(req, res, m.slice(1))).catch((err: Error) => {
        logger.error({ err: err.message, path }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: err.message });
        else res.end();
      });
      return;
    }
    sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Keep-alive to the upstreams (or the sidecar), as a pod's app keeps connections to its local Envoy. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

export interface CallResult {
  status: number;
  body: string;
}

/**
 * Where a service is, as Istio's Bookinfo finds it: `<SERVICE>_HOSTNAME` (default the service's
 * name), `SERVICES_DOMAIN` appended when set, port `<SERVICE>_SERVICE_PORT` (default 9080, the
 * value Kubernetes' service links give it anyway).
 */
export function serviceAddress(service: string, env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const key = service.toUpperCase();
  const domain = env.SERVICES_DOMAIN ? `.${env.SERVICES_DOMAIN}` : '';
  return { host: `${env[`${key}_HOSTNAME`] || service}${domain}`, port: Number(env[`${key}_SERVICE_PORT`] || 9080) };
}

/**
 * Calls another service by name, the way Bookinfo does (http://details:9080/...). In a pod the
 * call goes to that name directly and Istio's iptables rules hand it to the sidecar. Behind the
 * local mesh it goes through the instance's outbound sidecar instead (`OUTBOUND_PROXY`, the
 * stand-in for that interception), with the name in the Host header. Rejects on a network error
 * or the timeout.
 */
export function callService(service: string, path: string, headers: Record<string, string>, timeoutMs: number): Promise<CallResult> {
  const target = serviceAddress(service);
  const authority = `${target.host}:${target.port}`;
  const proxy = process.env.OUTBOUND_PROXY ? process.env.OUTBOUND_PROXY.split(':') : undefined;
  const host = proxy ? proxy[0] : target.host;
  const port = proxy ? Number(proxy[1]) : target.port;
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path, method: 'GET', headers: { ...headers, host: authority }, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${service} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
