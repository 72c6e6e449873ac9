/**
 * Sends the cached OTLP/HTTP protobuf bodies to a peer: as fast as it takes
 * them (a few concurrent keep-alive connections), or paced at a given rate.
 * 503 and 429 (push-back) are retried after a short pause, as an SDK would.
 */
import http from 'node:http';
import type { Batch, DatasetReader } from './dataset.ts';
import type { Peer } from './peer.ts';

export class Sender {
  private readonly agent: http.Agent;
  private readonly peer: Peer;
  retries = 0;

  constructor(peer: Peer, connections: number) {
    this.peer = peer;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Posts one batch until it is accepted. */
  async send(b: Batch): Promise<void> {
    for (;;) {
      const status = await this.post(b.body);
      if (status === 200) return;
      if (status !== 503 && status !== 429) throw new Error(`${this.peer.name} answered ${status}`);
      this.retries++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends batches from the reader until `untilSpans` spans were taken from it (or it ends). */
  async fullSpeed(reader: DatasetReader, untilSpans: number, connections: number): Promise<number> {
    let sent = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (reader.taken < untilSpans) {
          const b = reader.next();
          if (b === undefined) return;
          await this.send(b);
          sent += b.spans;
        }
      }),
    );
    return sent;
  }

  /**
   * Sends at `spansPerSecond` until `stop` is set: batch k is due at
   * start + k * batch / rate; a late batch goes at once, never in a burst of
   * catch-up. Resolves with the spans sent and the rate actually reached.
   */
  paced(reader: DatasetReader, spansPerSecond: number, connections: number): { stop(): Promise<{ spans: number; seconds: number; exhausted: boolean }> } {
    let stopping = false;
    let spans = 0;
    let exhausted = false;
    const t0 = performance.now();
    const workers = Array.from({ length: connections }, async () => {
      while (!stopping) {
        const due = t0 + (spans / spansPerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, Math.min(wait, 50)));
          continue;
        }
        const b = reader.next();
        if (b === undefined) {
          exhausted = true;
          return;
        }
        spans += b.spans;
        await this.send(b);
      }
    });
    return {
      async stop() {
        stopping = true;
        await Promise.all(workers);
        return { spans, seconds: (performance.now() - t0) / 1000, exhausted };
      },
    };
  }

  private post(body: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.peer.otlpHost,
          port: this.peer.otlpPort,
          path: '/v1/traces',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      // A server that stops answering fails the run instead of hanging it.
      req.setTimeout(120_000, () => req.destroy(new Error(`${this.peer.name} did not answer an OTLP request within 120 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
