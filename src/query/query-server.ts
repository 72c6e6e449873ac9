import { Hono } from 'hono';
import type { Component, Host } from '../component/component.ts';
import { listenHttp, type HttpEnv, type HttpListener } from '../server/http.ts';
import type { StorageBackend } from '../storage/api/storage.ts';

export interface QuerySettings {
  host: string;
  port: number;
  grpcPort: number;
  basePath: string;
}

/** The query port: Jaeger's HTTP API and api_v3, under the base path. */
export class QueryServer implements Component {
  private readonly settings: QuerySettings;
  private readonly backend: StorageBackend;
  private listener: HttpListener | undefined;

  constructor(settings: QuerySettings, backend: StorageBackend) {
    this.settings = settings;
    this.backend = backend;
  }

  async start(_host: Host): Promise<void> {
    const app = new Hono<HttpEnv>();
    const base = this.settings.basePath === '/' ? '' : this.settings.basePath;
    app.get(`${base}/api/services`, async (c) => {
      const data = await this.backend.reader.getServices();
      return c.json({ data, total: data.length, limit: 0, offset: 0, errors: null });
    });
    if (this.settings.port !== 0) this.listener = await listenHttp(app, this.settings.host, this.settings.port, 'query');
  }

  async shutdown(): Promise<void> {
    await this.listener?.close();
  }
}
