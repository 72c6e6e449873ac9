import type { Context } from 'hono';
import { InputError } from '../../component/errors.ts';
import type { Span } from '../../model/span.ts';
import { decodeZipkin, type ZipkinEncoding } from '../../protocols/zipkin/index.ts';
import type { HttpEnv } from '../../server/http.ts';
import { mediaType, readBody } from '../shared/http-body.ts';
import { toHttpRefusal } from '../shared/http-errors.ts';
import { HttpReceiver } from '../shared/http-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';

/** Media types each endpoint takes; an absent Content-Type is read as JSON, as Zipkin does. */
const ROUTES: Record<string, Record<string, ZipkinEncoding>> = {
  '/api/v2/spans': {
    '': 'v2-json',
    'application/json': 'v2-json',
    'application/x-protobuf': 'v2-proto',
    'application/protobuf': 'v2-proto',
  },
  '/api/v1/spans': {
    '': 'v1-json',
    'application/json': 'v1-json',
    'application/x-thrift': 'v1-thrift',
  },
};

/**
 * The Zipkin HTTP collector API: POST /api/v2/spans (JSON, proto3) and
 * /api/v1/spans (JSON, Thrift). Success is 202 with an empty body (Envoy
 * counts anything else as dropped). There is no partial success: a batch
 * with one invalid span is refused whole with 400 and a plain-text reason.
 */
export class ZipkinReceiver extends HttpReceiver {
  protected readonly label = 'zipkin';
  protected readonly description = 'zipkin receiver';

  protected async handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response> {
    const req = c.env.incoming;
    let spans: Span[];
    try {
      const types = ROUTES[c.req.path];
      if (!types) throw new InputError(404, 'not_found', `no route for ${c.req.path}: Zipkin spans go to POST /api/v2/spans or /api/v1/spans`);
      if (c.req.method !== 'POST') throw new InputError(405, 'method_not_allowed', `${c.req.method} ${c.req.path} is not allowed: use POST`);
      const type = mediaType(req);
      const encoding = Object.hasOwn(types, type) ? types[type] : undefined;
      if (!encoding) {
        const accepted = Object.keys(types).filter((t) => t !== '');
        throw new InputError(415, 'unsupported_media_type', `unsupported Content-Type "${type}": POST ${c.req.path} takes ${accepted.join(' or ')}`);
      }
      spans = decodeZipkin(encoding, await readBody(req, this.settings.maxRequestBytes));
    } catch (err) {
      // Refused before any span was counted; drain what the client is still sending.
      req.resume();
      const refusal = toHttpRefusal(err);
      ingest.count.refusedRequest(refusal.reason);
      return refuse(c, refusal);
    }
    try {
      await ingest.ingest(spans);
    } catch (err) {
      // Ingest has counted the refused spans.
      return refuse(c, toHttpRefusal(err));
    }
    return c.body(null, 202);
  }
}

function refuse(c: Context<HttpEnv>, r: ReturnType<typeof toHttpRefusal>): Response {
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (r.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(r.retryAfterSeconds)));
  if (r.status === 405) headers.Allow = 'POST';
  return c.body(r.message + '\n', r.status as 400, headers);
}
