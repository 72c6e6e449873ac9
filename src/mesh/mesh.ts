import net from 'node:net';
import type { MeshConfig } from './config.ts';
import { Gateway } from './gateway.ts';
import { Router } from './routing.ts';
import { Sidecar } from './sidecar.ts';
import { SpanReporter } from './span-reporter.ts';

/**
 * The whole local mesh in one process: the ingress gateway and one sidecar
 * per service instance, each proxy with its own span reporter as each Envoy
 * has its own tracer. Ports left at 0 are filled in by `start` (and visible
 * in `config` afterwards).
 */
export class Mesh {
  readonly config: MeshConfig;
  readonly router: Router;
  readonly sidecars: Sidecar[] = [];
  private readonly reporters: SpanReporter[] = [];
  private gateway: Gateway | undefined;

  private readonly probeAppPorts: boolean;

  /**
   * `probeAppPorts: false` leaves app ports at 0 for the caller to fill in once each app
   * listens (the demo does: its apps bind port 0 and report the port, so no race).
   */
  constructor(config: MeshConfig, options: { probeAppPorts?: boolean } = {}) {
    this.config = config;
    this.router = new Router(config);
    this.probeAppPorts = options.probeAppPorts ?? true;
  }

  /** Listens on every proxy port; app ports left at 0 get a free port the app must then use. */
  async start(host = '127.0.0.1'): Promise<void> {
    try {
      for (const service of this.config.services) {
        for (const instance of service.instances) {
          if (instance.appPort === 0 && this.probeAppPorts) instance.appPort = await probeFreePort();
          const reporter = this.reporter();
          const sidecar = new Sidecar(this.config, service, instance, this.router, reporter);
          this.sidecars.push(sidecar);
          await sidecar.start();
        }
      }
      this.gateway = new Gateway(this.config, this.router, this.reporter());
      await this.gateway.start(host);
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  /** Spans the proxies reported (accepted by the collector) and dropped (refused or unreachable). */
  get stats(): { sent: number; dropped: number } {
    return this.reporters.reduce((acc, r) => ({ sent: acc.sent + r.sent, dropped: acc.dropped + r.dropped }), { sent: 0, dropped: 0 });
  }

  /** Flushes every span reporter without stopping (tests use it to make spans visible sooner). */
  flush(): void {
    for (const r of this.reporters) r.flush();
  }

  async shutdown(): Promise<void> {
    await this.gateway?.shutdown();
    await Promise.all(this.sidecars.map((s) => s.shutdown()));
    await Promise.all(this.reporters.map((r) => r.close()));
  }

  private reporter(): SpanReporter {
    const r = new SpanReporter(this.config.tracing);
    this.reporters.push(r);
    return r;
  }
}

/** Gives every port still 0 a number counting up from `base`: app, inbound, outbound per instance. */
export function assignPorts(config: MeshConfig, base: number): void {
  let next = base;
  for (const s of config.services) {
    for (const i of s.instances) {
      if (i.appPort === 0) i.appPort = next;
      if (i.inboundPort === 0) i.inboundPort = next + 1;
      if (i.outboundPort === 0) i.outboundPort = next + 2;
      next += 3;
    }
  }
}

function probeFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
