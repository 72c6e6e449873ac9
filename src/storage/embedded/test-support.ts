import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { makeResource, makeSpan } from '../../model/builders.ts';
import type { Span } from '../../model/span.ts';
import { EmbeddedStore, type EmbeddedStoreOptions } from './embedded-store.ts';

/** Helpers for the embedded store's tests: temporary data directories and a logger whose lines can be read back. */

export const HOUR = 3_600_000_000_000n;
export const CENTURY = 100n * 365n * 24n * HOUR;

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'waymark-embedded-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

export function openStore(dataDir: string, extra: Partial<EmbeddedStoreOptions> = {}): Promise<EmbeddedStore> {
  return EmbeddedStore.open({ dataDir, retention: CENTURY, logger: pino({ level: 'silent' }), ...extra });
}

const resource = makeResource([{ key: 'service.name', value: 'svc' }]);

/** A one-span trace starting at `start` ns, with `tag=value` as an attribute. */
export function simpleSpan(traceHex: string, start: bigint, tag = 'x', value = '1'): Span {
  return makeSpan({
    traceId: traceHex.padStart(32, '0'),
    spanId: traceHex.padStart(16, '0'),
    name: 'op',
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1000n,
    resource,
    attributes: [{ key: tag, value }],
  });
}
