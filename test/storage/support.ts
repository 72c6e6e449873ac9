import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeResource, makeSpan } from '../../src/model/builders.ts';
import type { Span } from '../../src/model/span.ts';
import { encodeTracesData } from '../../src/protocols/otlp/proto-encoder.ts';
import { startWaymark, type RunningWaymark, type StartOptions } from '../support/waymark.ts';

/** Helpers for the end-to-end tests of the embedded store: a real process on a temporary data directory, fed over OTLP/HTTP. */

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'waymark-storage-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `./bin/waymark all-in-one` on the embedded store in `dataDir` (later flags win over the helper's `--storage memory`). */
export function startEmbedded(dataDir: string, extraArgs: string[] = [], options: StartOptions = {}): Promise<RunningWaymark> {
  return startWaymark({ ...options, args: ['--storage', 'embedded', '--data-dir', dataDir, ...extraArgs, ...(options.args ?? [])] });
}

const resources = new Map<string, ReturnType<typeof makeResource>>();

/** `traces` traces of `spansPerTrace` spans each, for `service`, starting at `start` ns; trace IDs from `tracePrefix` (hex). */
export function traceBatch(service: string, tracePrefix: string, traces: number, spansPerTrace: number, start: bigint): Span[] {
  let resource = resources.get(service);
  if (!resource) resources.set(service, (resource = makeResource([{ key: 'service.name', value: service }, { key: 'host.name', value: 'h1' }])));
  const out: Span[] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = (tracePrefix + t.toString(16).padStart(4, '0')).padStart(32, '0');
    for (let s = 1; s <= spansPerTrace; s++) {
      out.push(
        makeSpan({
          traceId,
          spanId: s.toString(16).padStart(16, '0'),
          parentSpanId: s === 1 ? '' : '0000000000000001',
          name: s === 1 ? 'root' : 'child',
          startTimeUnixNano: start + BigInt(s),
          endTimeUnixNano: start + BigInt(s) + 1_000_000n,
          resource,
          attributes: [
            { key: 'n', value: BigInt(s) },
            { key: 'user.id', value: `u-${t % 97}` },
          ],
        }),
      );
    }
  }
  return out;
}

/** POSTs spans as OTLP/HTTP protobuf; resolves with the status (0 when the connection failed). */
export async function postOtlp(port: number, spans: readonly Span[]): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(encodeTracesData(spans)),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export interface JaegerTrace {
  traceID: string;
  spans: { traceID: string; spanID: string }[];
}

/** Every stored trace of `service` in the last two days (raw, no adjusters, so duplicates would show), through the query API. */
export async function tracesOf(queryUrl: string, service: string): Promise<JaegerTrace[]> {
  const res = await fetch(`${queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=1000000&raw=true`);
  const body = (await res.json()) as { data: JaegerTrace[] };
  if (res.status !== 200) throw new Error(`search for ${service}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
