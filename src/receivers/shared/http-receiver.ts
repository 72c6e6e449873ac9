import { Hono, type Context } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { OverloadError } from '../../component/errors.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../../server/http.ts';
import { bindTicket } from './admission.ts';
import type { ReceiverSettings } from './factory.ts';
import { toHttpRefusal, type HttpRefusal } from './http-errors.ts';
import { Ingest } from './ingest.ts';

/**
 * What every HTTP receiver shares: one Hono app on one port, every request
 * admitted (or refused at once, before its body is read) and then handed to
 * the protocol's `handle` with the receiver's Ingest. A protocol receiver
 * extends this once and writes only its request handling.
 */
export abstract class HttpReceiver implements Receiver {
  protected readonly settings: ReceiverSettings;
  private readonly port: number;
  private readonly next: TracesConsumer;
  private listener: HttpListener | undefined;

  /** The metrics label (`receiver="..."`) and the name used in start-up errors. */
  protected abstract readonly label: string;
  protected abstract readonly description: string;

  constructor(settings: ReceiverSettings, port: number, next: TracesConsumer) {
    this.settings = settings;
    this.port = port;
    this.next = next;
  }

  get boundPort(): number | undefined {
    return this.listener?.port;
  }

  async start(host: Host): Promise<void> {
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver(this.label), this.ingestLimits());
    const app = new Hono<HttpEnv>();
    app.all('*', (c) => this.handle(c, ingest));
    this.listener = await listenHttp(app, this.settings.host, this.port, this.description, {
      limits: this.settings.connections,
      gate: (req, res) => this.admit(req, res, ingest),
    });
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }

  /** Receivers that truncate while decoding override this to turn Ingest's own pass off. */
  protected ingestLimits(): { maxAttributeValueLength: number } {
    return this.settings;
  }

  protected abstract handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response>;

  /** Writes a push-back answer straight to the socket (no app, no body read); protocols with an error body format override it. */
  protected writeRefusal(_req: IncomingMessage, res: ServerResponse, refusal: HttpRefusal): void {
    res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': String(refusal.retryAfterSeconds ?? 1) });
    res.end(refusal.message + '\n');
  }

  private admit(req: IncomingMessage, res: ServerResponse, ingest: Ingest): boolean {
    const admission = this.settings.admission;
    if (!admission) return true;
    const declared = Number(req.headers['content-length']);
    const ticket = admission.admit(Number.isFinite(declared) && declared > 0 ? declared : 0);
    if (ticket instanceof OverloadError) {
      ingest.count.refusedRequest(ticket.reason);
      // Node reads and discards the unread body after this answer, so the connection stays usable.
      this.writeRefusal(req, res, toHttpRefusal(ticket));
      return false;
    }
    bindTicket(req, ticket);
    res.once('close', () => ticket.release());
    return true;
  }
}
