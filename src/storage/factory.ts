import type { WaymarkConfig } from '../config/config.ts';
import type { StorageBackend } from './api/storage.ts';
import { MemoryStore } from './memory/memory-store.ts';

export const STORAGE_TYPES = ['memory'] as const;

/** Opens the configured backend. */
export async function openStorage(config: WaymarkConfig['storage']): Promise<StorageBackend> {
  switch (config.type) {
    case 'memory':
      return new MemoryStore({ maxTraces: config.memory.maxTraces });
    default:
      throw new Error(`unknown storage type "${config.type}": expected one of ${STORAGE_TYPES.join(', ')}`);
  }
}
