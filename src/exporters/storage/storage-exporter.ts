import type { Exporter, Host } from '../../component/component.ts';
import type { Span } from '../../model/span.ts';
import type { WaymarkMetrics } from '../../observability/metrics.ts';
import type { StorageBackend } from '../../storage/api/storage.ts';

/** The pipeline's last stage: writes to a storage backend and times it. */
export class StorageExporter implements Exporter {
  private readonly backend: StorageBackend;
  private metrics: WaymarkMetrics | undefined;

  constructor(backend: StorageBackend) {
    this.backend = backend;
  }

  async start(host: Host): Promise<void> {
    this.metrics = host.telemetry.metrics;
  }

  async consumeTraces(spans: Span[]): Promise<void> {
    const t0 = process.hrtime.bigint();
    await this.backend.writer.writeSpans(spans);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    this.metrics?.storeWriteSeconds.observe({ backend: this.backend.type }, seconds);
    this.metrics?.storeWrittenSpans.inc({ backend: this.backend.type }, spans.length);
  }

  async shutdown(): Promise<void> {}
}
