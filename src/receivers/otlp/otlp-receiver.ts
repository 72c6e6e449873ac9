import type { Host, Receiver } from '../../component/component.ts';

/**
 * Both OTLP listeners as one component: started in order, and if the second
 * cannot start the first is shut down before the error is passed on.
 */
export class OtlpReceiver implements Receiver {
  private readonly parts: Receiver[];
  private readonly started: Receiver[] = [];

  constructor(parts: Receiver[]) {
    this.parts = parts;
  }

  async start(host: Host): Promise<void> {
    for (const p of this.parts) {
      try {
        this.started.push(p);
        await p.start(host);
      } catch (err) {
        await this.shutdown();
        throw err;
      }
    }
  }

  async shutdown(): Promise<void> {
    const started = this.started.splice(0).reverse();
    for (const p of started) await p.shutdown();
  }
}
