import type { Component, Host, Receiver, TracesConsumer } from '../component/component.ts';
import type { WaymarkConfig } from '../config/config.ts';
import type { Role } from '../config/options.ts';
import { AdminServer } from '../admin/admin-server.ts';
import { OtlpHttpExporter } from '../exporters/otlp/otlp-http-exporter.ts';
import { StorageExporter } from '../exporters/storage/storage-exporter.ts';
import type { Telemetry } from '../observability/telemetry.ts';
import { goDurationMs } from '../model/time.ts';
import { BatchQueue } from '../pipeline/batch-queue.ts';
import { RECEIVER_FACTORIES } from '../pipeline/registry.ts';
import { QueryServer } from '../query/query-server.ts';
import { Admission, admissionLimits } from '../receivers/shared/admission.ts';
import { connectionLimits, type ConnectionLimits } from '../server/limits.ts';
import type { StorageBackend } from '../storage/api/storage.ts';
import { openStorage } from '../storage/factory.ts';

export interface WaymarkOptions {
  role: Role;
  config: WaymarkConfig;
  telemetry: Telemetry;
  /** Use this backend instead of opening the configured one (tests wrap the writer with it). */
  storage?: StorageBackend;
}

/**
 * One Waymark process: the components of its role joined into a pipeline.
 * Started downstream first (store, exporter, queue, then receivers), shut
 * down upstream first, so everything a receiver acknowledged is written.
 */
export class Waymark {
  readonly admin: AdminServer;
  private readonly options: WaymarkOptions;
  private readonly started: Component[] = [];
  private storage: StorageBackend | undefined;
  /** The store while it opens (after a crash, replaying its log can take seconds): a shutdown meanwhile waits for it and closes it. */
  private opening: Promise<StorageBackend> | undefined;
  private queue: BatchQueue | undefined;
  private admission: Admission | undefined;
  private readonly connections: ConnectionLimits;
  private stopping: Promise<void> | undefined;
  private readonly host: Host;

  constructor(options: WaymarkOptions) {
    this.options = options;
    this.connections = connectionLimits(options.config.server);
    this.admin = new AdminServer(options.config.host, options.config.admin.port, this.connections);
    this.host = {
      telemetry: options.telemetry,
      reportFatal: (err) => {
        options.telemetry.logger.fatal({ err }, 'fatal component error, shutting down');
        void this.shutdown().finally(() => process.exit(1));
      },
    };
  }

  get backend(): StorageBackend | undefined {
    return this.storage;
  }

  async start(): Promise<void> {
    const { role, config } = this.options;
    const problems = RECEIVER_FACTORIES.flatMap((f) => f.validate(config));
    if (problems.length > 0) throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
    try {
      await this.startComponent(this.admin);
      if (role !== 'agent') {
        // A shutdown that began already would not know to close a store opened from here on.
        if (this.stopping) return;
        this.opening = this.options.storage ? Promise.resolve(this.options.storage) : openStorage(config.storage, this.options.telemetry.logger, this.options.telemetry.metrics);
        this.storage = await this.opening;
        // Stopped while the store opened: the shutdown closes it; starting the rest would race it.
        if (this.stopping) return;
      }
      if (role === 'all-in-one' || role === 'collector' || role === 'agent') await this.startIngest();
      if (role === 'all-in-one' || role === 'query') {
        await this.startComponent(new QueryServer({ host: config.host, ...config.query, retention: config.storage.embedded.retention, connections: this.connections }, this.storage!));
      }
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    if (this.stopping) return;
    this.admin.state = 'serving';
    this.options.telemetry.logger.info({ role }, 'waymark is serving');
  }

  private async startIngest(): Promise<void> {
    const { config } = this.options;
    const exporter = this.createExporter();
    await this.startComponent(exporter);
    this.queue = new BatchQueue(config.queue, exporter);
    await this.startComponent(this.queue);
    const queue = this.queue;
    const delays = { maxEventLoopDelayMs: goDurationMs(config.admission.maxEventLoopDelay), maxQueueDelayMs: goDurationMs(config.admission.maxQueueDelay) };
    this.admission = new Admission(admissionLimits(config.admission, delays), this.options.telemetry.metrics, () => queue.waitMs);
    this.admission.start();
    const settings = { host: config.host, ...config.limits, connections: this.connections, admission: this.admission };
    const receivers: Receiver[] = RECEIVER_FACTORIES.flatMap((f) => f.create(config, settings, this.queue as TracesConsumer));
    for (const r of receivers) await this.startComponent(r);
  }

  private createExporter(): Component & TracesConsumer {
    if (this.options.role === 'agent') {
      return new OtlpHttpExporter(this.options.config.agent);
    }
    return new StorageExporter(this.storage!);
  }

  private async startComponent(c: Component): Promise<void> {
    // Once a shutdown has begun nothing more starts: it stops only what was started before it (a receiver started
    // after it would keep the queue it drains busy for ever).
    if (this.stopping) return;
    this.started.push(c);
    await c.start(this.host);
  }

  /** Stops accepting, drains the queue, flushes the store. Safe to call twice. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.admin.state = 'draining';
      const log = this.options.telemetry.logger;
      // Upstream first: receivers stop, then the queue drains into the exporter, then the store closes.
      for (const c of this.started.slice(1).reverse()) {
        try {
          await c.shutdown();
        } catch (err) {
          log.error({ err }, 'error during shutdown');
        }
      }
      this.admission?.stop();
      // Exiting while the store's thread is inside DuckDB aborts the process: a store still opening is closed once open.
      const storage = this.storage ?? (await this.opening?.catch(() => undefined));
      await storage?.close();
      await this.admin.shutdown();
      log.info('waymark stopped');
    })();
    return this.stopping;
  }
}
