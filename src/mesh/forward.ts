import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { shouldRetry, type RetryPolicy } from './routing.ts';
import { TRACE_HEADERS } from './trace-context.ts';

/** How a forwarded request ended, for the span's tags. */
export interface ForwardResult {
  status: number;
  /** Envoy's response flags: '-' for none, UF connect failure, UT timeout, URX retries exhausted, UC reset. */
  flags: string;
  responseBytes: number;
}

export interface ForwardOptions {
  port: number;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  agent: http.Agent;
  /** The route's timeout across every try. */
  timeoutMs?: number;
  retry?: RetryPolicy;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
const NOT_FORWARDED = new Set([...HOP_BY_HOP, ...TRACE_HEADERS]);

/** A copy of request headers without hop-by-hop ones and without the trace headers (the proxy writes its own). */
export function forwardableHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined && !NOT_FORWARDED.has(k)) out[k] = v;
  }
  return out;
}

/** Reads a request body whole (bounded), so a retry can send it again. */
export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  if (req.headers['content-length'] === '0' || (req.method === 'GET' && !req.headers['transfer-encoding'] && !req.headers['content-length'])) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
const EMPTY = Buffer.alloc(0);

type Attempt = { res: IncomingMessage } | { failure: 'connect' | 'reset' | 'timeout' };

function attempt(o: ForwardOptions, timeoutMs: number | undefined): Promise<Attempt> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: o.port, method: o.method, path: o.path, headers: o.headers, agent: o.agent });
    let done = false;
    const finish = (a: Attempt) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      resolve(a);
    };
    const timer = timeoutMs !== undefined ? setTimeout(() => {
      finish({ failure: 'timeout' });
      req.destroy();
    }, timeoutMs) : undefined;
    req.once('response', (res) => finish({ res }));
    req.once('error', (err: NodeJS.ErrnoException) => finish({ failure: err.code === 'ECONNREFUSED' ? 'connect' : 'reset' }));
    req.end(o.body.length > 0 ? o.body : undefined);
  });
}

/**
 * Sends a request upstream with the route's retries and timeout and writes the
 * answer to `res`: Envoy's router in miniature. A failure without an answer
 * becomes Envoy's local reply (503 connect failure, 504 timeout).
 */
export async function forward(o: ForwardOptions, res: ServerResponse): Promise<ForwardResult> {
  const deadline = o.timeoutMs !== undefined ? Date.now() + o.timeoutMs : undefined;
  const tries = 1 + (o.retry?.attempts ?? 0);
  const started = Date.now();
  let last: Attempt | undefined;
  for (let i = 0; i < tries; i++) {
    const left = deadline !== undefined ? deadline - Date.now() : undefined;
    if (left !== undefined && left <= 0) {
      last = { failure: 'timeout' };
      break;
    }
    const perTry = o.retry?.perTryTimeoutMs;
    const limit = left === undefined ? perTry : perTry === undefined ? left : Math.min(left, perTry);
    last = await attempt(o, limit);
    const status = 'res' in last ? last.res.statusCode : undefined;
    const failure = 'failure' in last ? last.failure : undefined;
    // The route's overall timeout ends the request; a per-try timeout may be retried.
    if (failure === 'timeout' && deadline !== undefined && Date.now() >= deadline) break;
    if (i + 1 < tries && o.retry && shouldRetry(o.retry, status, failure)) {
      if ('res' in last) last.res.resume();
      // Envoy's default back-off: 25 ms base, jittered.
      await new Promise((r) => setTimeout(r, Math.random() * 25 * 2 ** i));
      continue;
    }
    break;
  }
  if (last && 'res' in last) {
    const up = last.res;
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    headers['x-envoy-upstream-service-time'] = String(Date.now() - started);
    const status = up.statusCode ?? 502;
    res.writeHead(status, headers);
    let bytes = 0;
    up.on('data', (c: Buffer) => {
      bytes += c.length;
      res.write(c);
    });
    const flags = await new Promise<string>((resolve) => {
      up.once('end', () => resolve('-'));
      up.once('error', () => resolve('UC'));
      up.once('aborted', () => resolve('UC'));
    });
    res.end();
    return { status, flags, responseBytes: bytes };
  }
  const failure = last && 'failure' in last ? last.failure : 'timeout';
  const [status, flags, text] =
    failure === 'timeout'
      ? [504, 'UT', 'upstream request timeout']
      : failure === 'connect'
        ? [503, tries > 1 ? 'URX,UF' : 'UF', 'upstream connect error or disconnect/reset before headers. reset reason: connection failure']
        : [503, 'UC', 'upstream connect error or disconnect/reset before headers. reset reason: connection termination'];
  return localReply(res, status, flags, text);
}

/** Envoy's own answer (fault abort, no route, failure): plain text, `server: envoy`. */
export function localReply(res: ServerResponse, status: number, flags: string, text: string): ForwardResult {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), server: 'envoy' });
  res.end(text);
  return { status, flags, responseBytes: Buffer.byteLength(text) };
}
