import { Hono, type Context } from 'hono';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../../server/http.ts';
import type { ReceiverSettings } from './factory.ts';
import { Ingest } from './ingest.ts';

/**
 * What every HTTP receiver shares: one Hono app on one port, every request
 * handed to the protocol's `handle` with the receiver's Ingest. A protocol
 * receiver extends this once and writes only its request handling.
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
    this.listener = await listenHttp(app, this.settings.host, this.port, this.description);
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }

  /** Receivers that truncate while decoding override this to turn Ingest's own pass off. */
  protected ingestLimits(): { maxAttributeValueLength: number } {
    return this.settings;
  }

  protected abstract handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response>;
}
