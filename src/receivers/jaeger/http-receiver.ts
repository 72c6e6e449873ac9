import type { Context } from 'hono';
import { InputError } from '../../component/errors.ts';
import { thriftBatchToSpans } from '../../protocols/jaeger/thrift-to-model.ts';
import { readThriftBatch } from '../../protocols/jaeger/thrift-reader.ts';
import type { HttpEnv } from '../../server/http.ts';
import { mediaType, readBody } from '../shared/http-body.ts';
import { toHttpRefusal } from '../shared/http-errors.ts';
import { HttpReceiver } from '../shared/http-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';

export const TRACES_PATH = '/api/traces';
/** The media types Jaeger's collector accepts for a binary-protocol Batch. */
const THRIFT_TYPES = new Set(['application/x-thrift', 'application/vnd.apache.thrift.binary']);

/**
 * Jaeger's collector HTTP endpoint: POST /api/traces with one Thrift Batch
 * (binary protocol) as the body, answered 202 with no body as Jaeger does.
 * Errors are plain text, as in Jaeger.
 */
export class JaegerHttpReceiver extends HttpReceiver {
  protected readonly label = 'jaeger_thrift_http';
  protected readonly description = 'jaeger thrift http receiver';

  protected async handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response> {
    let decoded = false;
    try {
      if (c.req.path !== TRACES_PATH) throw new InputError(404, 'not_found', `no route for ${c.req.path}: Jaeger Thrift spans go to POST ${TRACES_PATH}`);
      if (c.req.method !== 'POST') throw new InputError(405, 'method_not_allowed', `${c.req.method} ${TRACES_PATH} is not allowed: use POST`);
      const type = mediaType(c.env.incoming);
      if (!THRIFT_TYPES.has(type)) {
        throw new InputError(415, 'unsupported_media_type', `unsupported Content-Type "${type}": use application/x-thrift (binary protocol Batch)`);
      }
      const body = await readBody(c.env.incoming, this.settings.maxRequestBytes);
      if (body.length === 0) throw new InputError(400, 'malformed', 'empty body: expected a Thrift Batch');
      const spans = thriftBatchToSpans(readThriftBatch(body, 'binary'));
      decoded = true;
      await ingest.ingest(spans);
      return c.body(null, 202);
    } catch (err) {
      const refusal = toHttpRefusal(err);
      // Once decoded, Ingest has counted the spans it refused.
      if (!decoded) ingest.count.refusedRequest(refusal.reason === 'invalid' ? 'malformed' : refusal.reason);
      const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
      if (refusal.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(refusal.retryAfterSeconds)));
      if (refusal.status === 405) headers.Allow = 'POST';
      return c.body(`${refusal.message}\n`, refusal.status as 400, headers);
    }
  }
}
