import type { Host, Receiver } from '../../component/component.ts';

/**
 * Jaeger's listeners (Thrift HTTP, gRPC, agent UDP) as one component: they
 * start in order, and if one cannot start, those already listening are shut
 * down before the error is passed on.
 */
export class JaegerReceiver implements Receiver {
  readonly parts: readonly Receiver[];
  private started: Receiver[] = [];

  constructor(parts: Receiver[]) {
    this.parts = parts;
  }

  async start(host: Host): Promise<void> {
    for (const p of this.parts) {
      try {
        await p.start(host);
      } catch (err) {
        await this.shutdown();
        throw err;
      }
      this.started.push(p);
    }
  }

  async shutdown(): Promise<void> {
    const started = this.started.reverse();
    this.started = [];
    await Promise.all(started.map((p) => p.shutdown()));
  }
}
