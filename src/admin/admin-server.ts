import { Worker } from 'node:worker_threads';
import type { Component, Host } from '../component/component.ts';
import type { ConnectionLimits } from '../server/limits.ts';
import { HEALTH_STATES, HEARTBEAT_MS, type AdminThreadData, type FromAdminThread, type HealthState, type ToAdminThread } from './admin-protocol.ts';

export type { HealthState } from './admin-protocol.ts';

/**
 * The admin port: GET /health is 200 only once every listener is up and 503
 * while starting or draining (so Kubernetes stops routing before shutdown);
 * GET /metrics is Prometheus text. It is served from its own thread
 * (admin-thread.ts), so an ingest flood that keeps the main event loop busy
 * cannot delay /health.
 */
export class AdminServer implements Component {
  private readonly host: string;
  private readonly port: number;
  private readonly limits: ConnectionLimits | undefined;
  private readonly shared = new SharedArrayBuffer(16);
  private readonly stateCell = new Int32Array(this.shared);
  private readonly heartbeat = new Float64Array(this.shared, 8);
  private worker: Worker | undefined;
  private beat: NodeJS.Timeout | undefined;
  private bound: number | undefined;

  constructor(host: string, port: number, limits?: ConnectionLimits) {
    this.host = host;
    this.port = port;
    this.limits = limits;
  }

  get state(): HealthState {
    return HEALTH_STATES[Atomics.load(this.stateCell, 0)]!;
  }

  set state(s: HealthState) {
    Atomics.store(this.stateCell, 0, HEALTH_STATES.indexOf(s));
  }

  async start(host: Host): Promise<void> {
    const registry = host.telemetry.metrics.registry;
    this.heartbeat[0] = Date.now();
    this.beat = setInterval(() => (this.heartbeat[0] = Date.now()), HEARTBEAT_MS);
    this.beat.unref();
    const data: AdminThreadData = { host: this.host, port: this.port, limits: this.limits, metricsContentType: registry.contentType, shared: this.shared };
    const script = new URL(import.meta.url.endsWith('.ts') ? './admin-thread.ts' : './admin-thread.js', import.meta.url);
    const worker = new Worker(script, { workerData: data });
    this.worker = worker;
    worker.on('message', (m: FromAdminThread) => {
      if (m.op === 'metrics') {
        void registry.metrics().then((text) => worker.postMessage({ op: 'metrics', id: m.id, text } satisfies ToAdminThread));
      }
    });
    this.bound = await new Promise<number>((resolve, reject) => {
      worker.on('message', (m: FromAdminThread) => {
        if (m.op === 'listening') resolve(m.port);
        else if (m.op === 'failed') reject(new Error(m.message));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`admin thread exited with ${code} before listening`)));
    });
  }

  get boundPort(): number | undefined {
    return this.bound;
  }

  async shutdown(): Promise<void> {
    clearInterval(this.beat);
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ op: 'close' } satisfies ToAdminThread);
    const timer = setTimeout(() => void worker.terminate(), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
