import { Hono, type Context } from 'hono';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { InputError } from '../../component/errors.ts';
import { thriftBatchToSpans } from '../../protocols/jaeger/thrift-to-model.ts';
import { readThriftBatch } from '../../protocols/jaeger/thrift-reader.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../../server/http.ts';
import type { ReceiverSettings } from '../shared/factory.ts';
import { mediaType, readBody } from '../shared/http-body.ts';
import { toHttpRefusal } from '../shared/http-errors.ts';
import { Ingest } from '../shared/ingest.ts';

export const TRACES_PATH = '/api/traces';
/** The media types Jaeger's collector accepts for a binary-protocol Batch. */
const THRIFT_TYPES = new Set(['application/x-thrift', 'application/vnd.apache.thrift.binary']);

/**
 * Jaeger's collector HTTP endpoint: POST /api/traces with one Thrift Batch
 * (binary protocol) as the body, answered 202 with no body as Jaeger does.
 * Errors are plain text, as in Jaeger.
 */
export class JaegerHttpReceiver implements Receiver {
  private readonly settings: ReceiverSettings;
  private readonly port: number;
  private readonly next: TracesConsumer;
  private listener: HttpListener | undefined;

  constructor(settings: ReceiverSettings, port: number, next: TracesConsumer) {
    this.settings = settings;
    this.port = port;
    this.next = next;
  }

  get boundPort(): number | undefined {
    return this.listener?.port;
  }

  async start(host: Host): Promise<void> {
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver('jaeger_thrift_http'), this.settings);
    const app = new Hono<HttpEnv>();
    app.all('*', (c) => this.handle(c, ingest));
    this.listener = await listenHttp(app, this.settings.host, this.port, 'jaeger thrift http receiver');
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }

  private async handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response> {
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
