import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ROOT } from '../support/waymark.ts';

export const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the UI when the tree has no build yet (npm install builds it; a fresh checkout under test may not have). */
export function ensureUiBuilt(): void {
  if (existsSync(path.join(ROOT, 'src/ui/dist/index.html'))) return;
  execFileSync(path.join(ROOT, 'node_modules/.bin/node'), [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/ui/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm test does)`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'waymark-ui-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 860 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// ---- fixtures: traces described compactly, sent as OTLP/HTTP JSON ----

export interface FxSpan {
  id: string;
  parent?: string;
  service: string;
  name: string;
  /** Milliseconds from the trace's base time. */
  start: number;
  end: number;
  kind?: 1 | 2 | 3 | 4 | 5;
  attrs?: Record<string, string | number | boolean>;
  error?: string;
  events?: { name: string; at: number; attrs?: Record<string, string> }[];
}

export interface Fixture {
  traceId: string;
  /** Epoch milliseconds of the trace's time 0. */
  baseMs: number;
  spans: FxSpan[];
}

const attr = (key: string, v: string | number | boolean) => ({
  key,
  value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
});
const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

export function spanIdOf(traceId: string, id: string): string {
  // Deterministic 16-hex span IDs from the fixture's short names.
  let h = 0n;
  for (const ch of traceId + id) h = (h * 131n + BigInt(ch.charCodeAt(0))) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0').replace(/^0/, '1');
}

export function otlpJson(fixtures: readonly Fixture[]): string {
  const byService = new Map<string, unknown[]>();
  for (const f of fixtures) {
    for (const s of f.spans) {
      const list = byService.get(s.service) ?? byService.set(s.service, []).get(s.service)!;
      list.push({
        traceId: f.traceId,
        spanId: spanIdOf(f.traceId, s.id),
        parentSpanId: s.parent ? spanIdOf(f.traceId, s.parent) : '',
        name: s.name,
        kind: s.kind ?? (s.parent ? 3 : 2),
        startTimeUnixNano: nanos(f.baseMs + s.start),
        endTimeUnixNano: nanos(f.baseMs + s.end),
        attributes: Object.entries(s.attrs ?? {}).map(([k, v]) => attr(k, v)),
        events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: nanos(f.baseMs + e.at), attributes: Object.entries(e.attrs ?? {}).map(([k, v]) => attr(k, v)) })),
        status: s.error !== undefined ? { code: 2, message: s.error } : { code: 0 },
      });
    }
  }
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [attr('service.name', service), attr('host.name', `${service}-host`)] },
      scopeSpans: [{ scope: { name: 'waymark-ui-test', version: '1.0.0' }, spans }],
    })),
  });
}

export async function sendOtlp(otlpHttpPort: number, fixtures: readonly Fixture[]): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${otlpHttpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson(fixtures) });
  if (res.status !== 200) throw new Error(`OTLP export answered ${res.status}: ${await res.text()}`);
}

/** A wide, deep synthetic trace for the benchmark: fan-out of `fanout` per level. */
export function bigTrace(traceId: string, baseMs: number, count: number, fanout = 8): Fixture {
  const spans: FxSpan[] = [{ id: 's0', service: 'svc-0', name: 'root', start: 0, end: count }];
  for (let i = 1; i < count; i++) {
    const parent = Math.floor((i - 1) / fanout);
    const p = spans[parent]!;
    const width = (p.end - p.start) / (fanout + 1);
    const k = (i - 1) % fanout;
    spans.push({ id: `s${i}`, parent: `s${parent}`, service: `svc-${i % 12}`, name: `op-${i % 40}`, start: p.start + k * width, end: p.start + (k + 1.6) * width, attrs: { 'http.status_code': 200, i }, error: i % 997 === 0 ? 'boom' : undefined });
  }
  return { traceId, baseMs, spans };
}
