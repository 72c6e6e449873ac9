import type { Logger } from 'pino';
import type { WaymarkConfig } from '../config/config.ts';
import type { WaymarkMetrics } from '../observability/metrics.ts';
import { parseGoDuration } from '../model/time.ts';
import type { StorageBackend } from './api/storage.ts';
import { EmbeddedStore } from './embedded/embedded-store.ts';
import { MemoryStore } from './memory/memory-store.ts';

export const STORAGE_TYPES = ['memory', 'embedded'] as const;

/** Opens the configured backend. */
export async function openStorage(config: WaymarkConfig['storage'], logger?: Logger, metrics?: WaymarkMetrics): Promise<StorageBackend> {
  switch (config.type) {
    case 'memory':
      return new MemoryStore({ maxTraces: config.memory.maxTraces, ...(metrics ? { metrics } : {}) });
    case 'embedded':
      return EmbeddedStore.open({
        dataDir: config.embedded.dataDir,
        ...(logger ? { logger } : {}),
        // Validated as a duration when the configuration was loaded.
        retention: parseGoDuration(config.embedded.retention)!,
        ...(config.embedded.maxDiskBytes > 0 ? { maxDiskBytes: config.embedded.maxDiskBytes } : {}),
        partitionWidth: parseGoDuration(config.embedded.partitionWidth)!,
        memoryLimit: config.embedded.memoryLimit,
        checkpointThreshold: config.embedded.checkpointThreshold,
        ...(metrics ? { metrics } : {}),
      });
    default:
      throw new Error(`unknown storage type "${config.type}": expected one of ${STORAGE_TYPES.join(', ')}`);
  }
}
