/**
 * Web UI benchmark: loads a 10,000-span and a 50,000-span trace into a real
 * Waymark, opens each in headless Chromium (Debian's, driven by
 * playwright-core) and measures, in the page's own clock:
 *   - time to interactive: navigation start until the timeline's rows are on screen,
 *     and the part of it spent fetching the trace JSON;
 *   - a click on a toggle (collapse, then expand the root's subtree) until the next frame;
 *   - scrolling: 40 jumps through the whole timeline, the mean and worst time until the next frame.
 *
 *   npm run bench:ui            (node bench/ui-trace.ts [--sizes 10000,50000] [--runs 3])
 */
import { parseArgs } from 'node:util';
import { bigTrace, ensureUiBuilt, launchBrowser, otlpJson, type Fixture } from '../test/ui/support.ts';
import { startWaymark } from '../test/support/waymark.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,50000' }, runs: { type: 'string', default: '3' } } });
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);

ensureUiBuilt();
const waymark = await startWaymark({ args: ['--memory-max-traces', '1000'] });
const browser = await launchBrowser();

async function load(f: Fixture): Promise<void> {
  // OTLP/HTTP requests are capped in size: send the trace in slices.
  for (let i = 0; i < f.spans.length; i += 4000) {
    const res = await fetch(`http://127.0.0.1:${waymark.ports.otlpHttp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: otlpJson([{ ...f, spans: f.spans.slice(i, i + 4000) }]),
    });
    if (res.status !== 200) throw new Error(`OTLP export answered ${res.status}: ${await res.text()}`);
  }
}

interface Run {
  interactive: number;
  fetch: number;
  collapse: number;
  expand: number;
  scrollMean: number;
  scrollMax: number;
}

// Runs in the page: a click or scroll, then the time until the frame after it is painted.
const NEXT_FRAME = 'new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))';

async function measure(traceId: string, spans: number): Promise<Run> {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${waymark.queryUrl}/trace/${traceId}`, { waitUntil: 'commit' });
    await page.waitForFunction(`document.querySelectorAll('.span-row').length > 10`, undefined, { polling: 'raf', timeout: 60_000 });
    const interactive = await page.evaluate<number>('performance.now()');
    const fetchMs = await page.evaluate<number>(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/traces/')).map((e) => e.responseEnd - e.startTime)[0] ?? 0`);
    const root = '.span-row:first-child button.toggle';
    const click = async (): Promise<number> =>
      page.evaluate<number>(`(async () => { const t = performance.now(); document.querySelector(${JSON.stringify(root)}).click(); await ${NEXT_FRAME}; return performance.now() - t; })()`);
    const collapse = await click();
    const rowsCollapsed = await page.locator('.span-row').count();
    const expand = await click();
    if (rowsCollapsed !== 1) throw new Error(`collapsing the root left ${rowsCollapsed} rows`);
    const scroll = await page.evaluate<number[]>(`(async () => {
      const el = document.querySelector('[data-testid=timeline]');
      const times = [];
      for (let i = 1; i <= 40; i++) {
        const t = performance.now();
        el.scrollTop = (el.scrollHeight * i) / 40 - el.clientHeight / 2;
        await ${NEXT_FRAME};
        if (!document.querySelector('.span-row')) throw new Error('no rows after scrolling');
        times.push(performance.now() - t);
      }
      return times;
    })()`);
    const shown = await page.locator('[data-testid=span-count]').innerText();
    if (Number(shown) !== spans) throw new Error(`the header says ${shown} spans, expected ${spans}`);
    return { interactive, fetch: fetchMs, collapse, expand, scrollMean: scroll.reduce((a, b) => a + b, 0) / scroll.length, scrollMax: Math.max(...scroll) };
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => `${n.toFixed(0)} ms`;

try {
  console.log(`Waymark UI benchmark: headless Chromium, ${runs} runs per size, medians\n`);
  console.log('| spans | time to interactive | of which trace fetch | collapse root | expand root | scroll frame mean / worst |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const n of sizes) {
    const traceId = `be${n.toString(16).padStart(30, '0')}`;
    await load(bigTrace(traceId, Date.now() - 60_000, n));
    await measure(traceId, n); // warm-up: first compile of the bundle, server caches
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) results.push(await measure(traceId, n));
    const m = (k: keyof Run) => median(results.map((r) => r[k]));
    console.log(`| ${n.toLocaleString('en')} | ${ms(m('interactive'))} | ${ms(m('fetch'))} | ${ms(m('collapse'))} | ${ms(m('expand'))} | ${m('scrollMean').toFixed(1)} / ${ms(m('scrollMax'))} |`);
  }
} finally {
  await browser.close();
  await waymark.stop();
}
