import { Hono } from 'hono';
import type { Component, Host } from '../component/component.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../server/http.ts';
import type { ConnectionLimits } from '../server/limits.ts';

export type HealthState = 'starting' | 'serving' | 'draining';

/**
 * The admin port: GET /health is 200 only once every listener is up and 503
 * while starting or draining (so Kubernetes stops routing before shutdown);
 * GET /metrics is Prometheus text.
 */
export class AdminServer implements Component {
  state: HealthState = 'starting';
  private listener: HttpListener | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly limits: ConnectionLimits | undefined;

  constructor(host: string, port: number, limits?: ConnectionLimits) {
    this.host = host;
    this.port = port;
    this.limits = limits;
  }

  async start(host: Host): Promise<void> {
    const app = new Hono<HttpEnv>();
    const registry = host.telemetry.metrics.registry;
    app.get('/health', (c) =>
      c.json({ status: this.state === 'serving' ? 'Server available' : `Server not available: ${this.state}` }, this.state === 'serving' ? 200 : 503),
    );
    app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
    app.notFound((c) => c.text('not found: the admin port serves /health and /metrics', 404));
    this.listener = await listenHttp(app, this.host, this.port, 'admin', { limits: this.limits });
  }

  get boundPort(): number | undefined {
    return this.listener?.port;
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}
