import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { StorageBackend } from '../../src/storage/api/storage.ts';
import { EmbeddedStore } from '../../src/storage/embedded/embedded-store.ts';
import { MemoryStore } from '../../src/storage/memory/memory-store.ts';

/** Every storage backend the API tests run against, by name. */
export const TEST_BACKENDS = ['memory', 'embedded'] as const;

const CENTURY = 100n * 365n * 24n * 3_600_000_000_000n;

/** A fresh, empty backend; closing it also removes its files. */
export async function openTestStore(name: string): Promise<StorageBackend> {
  switch (name) {
    case 'memory':
      return new MemoryStore({ maxTraces: 10_000 });
    case 'embedded': {
      const dir = mkdtempSync(path.join(tmpdir(), 'waymark-api-'));
      const store = await EmbeddedStore.open({ dataDir: dir, retention: CENTURY, logger: pino({ level: 'silent' }) });
      return {
        type: store.type,
        capabilities: store.capabilities,
        writer: store.writer,
        reader: store.reader,
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    default:
      throw new Error(`unknown test backend "${name}": expected one of ${TEST_BACKENDS.join(', ')}`);
  }
}
