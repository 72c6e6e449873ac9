import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT, startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { apiRoutes, findRoute } from './api-routes.ts';
import { uiFixtures } from './fixtures.ts';
import { ensureUiBuilt, launchBrowser, otlpJson, sendOtlp, spanIdOf, type Browser } from './support.ts';

// The screenshots in docs/ are rewritten with UPDATE_SCREENSHOTS=1; otherwise they are still taken, into a temp folder,
// so a plain test run does not leave changed images in the tree.
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : mkdtempSync(path.join(os.tmpdir(), 'waymark-ui-shots-'));
const fx = uiFixtures();
let waymark: RunningWaymark;
let browser: Browser;
let page: Page;
let tmp: string;
/** Every request the pages made to a Waymark query port: method, port, path. */
const requests: { method: string; port: string; pathname: string }[] = [];

before(async () => {
  ensureUiBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'waymark-ui-files-'));
  mkdirSync(SHOTS, { recursive: true });
  [waymark, browser] = await Promise.all([startWaymark(), launchBrowser()]);
  await sendOtlp(waymark.ports.otlpHttp, Object.values(fx));
  browser.context.on('request', (r) => {
    const u = new URL(r.url());
    if (u.hostname === '127.0.0.1') requests.push({ method: r.method(), port: u.port, pathname: u.pathname });
  });
  page = await browser.context.newPage();
  page.setDefaultTimeout(10_000);
});

after(async () => {
  await browser?.close();
  await waymark?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SHOTS, { recursive: true, force: true });
});

const url = (p: string) => `${waymark.queryUrl}${p}`;
const resultIds = () => page.locator('.result').evaluateAll((els) => els.map((e) => e.getAttribute('data-trace-id') ?? undefined));
const rowOf = (traceId: string, id: string) => page.locator(`.span-row[data-span-id="${spanIdOf(traceId, id)}"]`);

async function search(fields: { service?: string; operation?: string; tags?: string; minDuration?: string; maxDuration?: string }): Promise<(string | undefined)[]> {
  await page.goto(url('/search'));
  await page.locator('select[name=service] option:text-is("frontend")').waitFor({ state: 'attached' });
  await page.selectOption('select[name=service]', fields.service ?? '');
  if (fields.operation) {
    await page.locator(`select[name=operation] option:text-is("${fields.operation}")`).waitFor({ state: 'attached' });
    await page.selectOption('select[name=operation]', fields.operation);
  }
  if (fields.tags) await page.fill('input[name=tags]', fields.tags);
  if (fields.minDuration) await page.fill('input[name=minDuration]', fields.minDuration);
  if (fields.maxDuration) await page.fill('input[name=maxDuration]', fields.maxDuration);
  await page.click('button:text("Find traces")');
  await page.locator('[data-testid=result-count], .status.empty').first().waitFor();
  return resultIds();
}

test('search by service lists its traces with summaries, and the URL holds the search', async () => {
  const ids = await search({ service: 'payment' });
  assert.deepEqual(ids, [fx.after.traceId, fx.before.traceId, fx.critical.traceId]);
  const first = page.locator(`.result[data-trace-id="${fx.critical.traceId}"]`);
  assert.match(await first.innerText(), /frontend: GET \/checkout/);
  assert.match(await first.innerText(), /5 spans/);
  assert.match(await first.locator('.chips').innerText(), /payment-db\s*1/);
  const u = new URL(page.url());
  assert.equal(u.pathname, '/search');
  assert.equal(u.searchParams.get('service'), 'payment');
  assert.equal(u.searchParams.get('lookback'), '1h');
  // Sorting: longest first puts the 100 ms checkout ahead of the 60 and 80 ms orders.
  await page.selectOption('select[name=sort]', 'longest');
  assert.deepEqual(await resultIds(), [fx.critical.traceId, fx.after.traceId, fx.before.traceId]);
  await page.locator('.scatter circle').first().waitFor();
  assert.equal(await page.locator('.scatter circle').count(), 3);
  // "All services" finds every trace.
  assert.equal((await search({})).length, 5);
  await page.screenshot({ path: path.join(SHOTS, 'search.png') });
});

test('search by operation', async () => {
  assert.deepEqual(await search({ service: 'frontend', operation: 'GET /checkout' }), [fx.critical.traceId]);
});

test('search by tag across all services, with key and value autocompletion from the store', async () => {
  await page.goto(url('/search'));
  await page.selectOption('select[name=service]', 'cart');
  const tags = page.locator('input[name=tags]');
  await tags.click();
  await tags.pressSequentially('http.st');
  await page.locator('.suggestions li', { hasText: 'http.status_code' }).waitFor();
  await tags.press('Tab');
  assert.equal(await tags.inputValue(), 'http.status_code=');
  await tags.pressSequentially('5');
  await page.locator('.suggestions li', { hasText: '500' }).waitFor();
  assert.deepEqual(await search({ tags: 'http.status_code=500' }), [fx.failing.traceId]);
  const row = page.locator(`.result[data-trace-id="${fx.failing.traceId}"]`);
  assert.match(await row.innerText(), /1 errors/);
});

test('search by duration', async () => {
  assert.deepEqual(await search({ minDuration: '1s' }), [fx.slow.traceId]);
  const ids = await search({ service: 'frontend', maxDuration: '50ms' });
  assert.deepEqual(ids, [fx.failing.traceId]);
});

test("the Jaeger UI's search URL lands on the same search", async () => {
  await page.goto(url(`/search?service=cart&tags=${encodeURIComponent('{"http.status_code":"500"}')}&lookback=1h&limit=20`));
  await page.locator('[data-testid=result-count]').waitFor();
  assert.deepEqual(await resultIds(), [fx.failing.traceId]);
  assert.equal(await page.inputValue('input[name=tags]'), 'http.status_code=500');
  // Repeated traceID= lists exactly those traces.
  await page.goto(url(`/search?traceID=${fx.slow.traceId}&traceID=${fx.before.traceId}`));
  await page.locator('[data-testid=result-count]').waitFor();
  assert.deepEqual((await resultIds()).sort(), [fx.slow.traceId, fx.before.traceId].sort());
});

test('a failing search shows the API error, readable', async () => {
  await page.goto(url('/search?service=cart&minDuration=fast&lookback=1h'));
  const err = page.locator('[role=alert]');
  await err.waitFor();
  assert.match(await err.innerText(), /The search failed/);
  assert.match(await err.innerText(), /duration/i);
});

test('open a trace from the results: header, timeline, expand and collapse', async () => {
  await search({ service: 'frontend', operation: 'GET /checkout' });
  await page.click(`.result[data-trace-id="${fx.critical.traceId}"] .result-title`);
  await page.locator('[data-testid=span-count]').waitFor();
  assert.equal(new URL(page.url()).pathname, `/trace/${fx.critical.traceId}`);
  assert.equal(await page.locator('[data-testid=span-count]').innerText(), '5');
  assert.equal(await page.locator('[data-testid=trace-duration]').innerText(), '100ms');
  assert.match(await page.locator('.trace-header').innerText(), /Depth\s*3/);
  assert.equal(await page.locator('.span-row').count(), 5);
  await rowOf(fx.critical.traceId, 'A').locator('button.toggle').click();
  assert.equal(await page.locator('.span-row').count(), 1);
  await rowOf(fx.critical.traceId, 'A').locator('button.toggle').click();
  assert.equal(await page.locator('.span-row').count(), 5);
  await rowOf(fx.critical.traceId, 'C').locator('button.toggle').click();
  assert.equal(await page.locator('.span-row').count(), 4);
  await page.click('button:text("Expand all")');
  assert.equal(await page.locator('.span-row').count(), 5);
});

test('the critical path is highlighted span by span', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}`));
  await rowOf(fx.critical.traceId, 'A').waitFor();
  // checkout [90,100] [40,50] [0,10]; payment [70,90] [50,55]; db [55,70]; cart [10,40]; auth never.
  const expected: Record<string, number> = { A: 3, B: 1, C: 2, D: 1, E: 0 };
  for (const [id, segments] of Object.entries(expected)) {
    const row = rowOf(fx.critical.traceId, id);
    assert.equal(await row.locator('.cp-segment').count(), segments, `critical sections of span ${id}`);
    assert.equal((await row.getAttribute('class'))!.includes('on-critical-path'), segments > 0, `span ${id} on the critical path`);
  }
  const box = async (id: string, i: number) => (await rowOf(fx.critical.traceId, id).locator('.cp-segment').nth(i).boundingBox())!;
  const bar = (await rowOf(fx.critical.traceId, 'A').locator('.bar').boundingBox())!;
  const at = (ms: number) => bar.x + (bar.width * ms) / 100;
  const db = await box('D', 0);
  assert.ok(Math.abs(db.x - at(55)) < 2 && Math.abs(db.x + db.width - at(70)) < 2, `db section at 55..70 ms, got ${db.x}..${db.x + db.width}`);
  await page.uncheck('text=Critical path');
  assert.equal(await page.locator('.cp-segment').count(), 0);
});

test('dragging across the minimap zooms the timeline into that time range', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}`));
  const map = (await page.locator('[data-testid=minimap] canvas').boundingBox())!;
  await page.mouse.move(map.x + map.width * 0.5, map.y + 10);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.75, map.y + 20, { steps: 4 });
  await page.mouse.up();
  const ticks = await page.locator('.ticks span').allInnerTexts();
  assert.equal(ticks[0], '50ms');
  assert.equal(ticks[4], '75ms');
  // The db span (55..70 ms) now fills most of the width.
  const db = (await rowOf(fx.critical.traceId, 'D').locator('.bar').boundingBox())!;
  const area = (await page.locator('.timeline-head .bar-col').boundingBox())!;
  assert.ok(Math.abs(db.x - (area.x + area.width * 0.2)) < 3 && Math.abs(db.width - area.width * 0.6) < 3, `db bar at ${db.x}+${db.width}`);
  await page.click('button:text("Reset zoom")');
  assert.equal((await page.locator('.ticks span').allInnerTexts())[4], '100ms');
});

test('span details: attributes, resource, events; keyboard moves the selection', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}`));
  await rowOf(fx.critical.traceId, 'D').click();
  const detail = page.locator('[data-testid=span-detail]');
  await detail.waitFor();
  const text = await detail.innerText();
  assert.match(text, /payment-db: INSERT payments/);
  assert.match(text, /db\.statement\s*INSERT INTO payments VALUES \(\$1, \$2\)/);
  assert.match(text, /host\.name\s*payment-db-host/);
  assert.match(text, /Self time\s*15ms/);
  await rowOf(fx.critical.traceId, 'C').click();
  assert.match(await detail.innerText(), /card authorised/);
  // ArrowUp from payment (4th row: A, B, E, C) goes to auth.
  await page.keyboard.press('ArrowUp');
  assert.equal(await rowOf(fx.critical.traceId, 'E').getAttribute('aria-selected'), 'true');
  assert.match(await detail.innerText(), /auth: verify token/);
  await page.screenshot({ path: path.join(SHOTS, 'trace.png') });
});

test('uiFind highlights matching spans; the other views render', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}?uiFind=verify`));
  await page.locator('[data-testid=match-count]').waitFor();
  assert.equal(await page.locator('[data-testid=match-count]').innerText(), '1 match');
  assert.match((await rowOf(fx.critical.traceId, 'E').getAttribute('class'))!, /match/);
  await page.fill('input[name=uiFind]', 'db.system=postgresql');
  assert.equal(await page.locator('[data-testid=match-count]').innerText(), '1 match');

  await page.click('button[role=tab]:text("Span table")');
  assert.equal(await page.locator('.span-table-row').count(), 5);
  await page.click('button[role=tab]:text("Statistics")');
  assert.match(await page.locator('[data-testid=trace-stats]').innerText(), /payment-db\s*INSERT payments\s*1/);
  await page.click('button[role=tab]:text("Flame graph")');
  await page.locator('[data-testid=flame-graph]').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'flame-graph.png') });
  await page.click('button[role=tab]:text("Service graph")');
  await page.locator('[data-testid=trace-graph] [data-edge="payment->payment-db"]').waitFor();
  assert.equal(await page.locator('[data-testid=trace-graph] .edge').count(), 4);
});

test('download the trace as JSON', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}`));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Download JSON")')]);
  const file = path.join(tmp, 'download.json');
  await download.saveAs(file);
  const doc = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as { data: { spans: unknown[] }[] };
  assert.equal(doc.data[0]!.spans.length, 5);
});

test('a trace that is not there shows a readable error', async () => {
  await page.goto(url('/trace/00000000000000000000000000deadbe'));
  const err = page.locator('[role=alert]');
  await err.waitFor();
  assert.match(await err.innerText(), /Could not load trace/);
  assert.match(await err.innerText(), /not found/);
});

test('compare two traces: added, removed and changed nodes with counts', async () => {
  await search({ service: 'frontend', operation: 'POST /order' });
  await page.check(`.result[data-trace-id="${fx.before.traceId}"] input[type=checkbox]`);
  await page.check(`.result[data-trace-id="${fx.after.traceId}"] input[type=checkbox]`);
  await page.click('a:text("Compare 2 traces")');
  await page.locator('[data-testid=diff-counts]').waitFor();
  const counts = Object.fromEntries(
    await page.locator('[data-testid=diff-counts] button').evaluateAll((els) => els.map((e) => [e.getAttribute('data-state'), e.querySelector('b')!.textContent])),
  );
  // B = the first ticked... compare is A=after (most recent, listed first)? The URL decides: check it.
  const [a, b] = new URL(page.url()).pathname.replace('/trace/', '').split('...');
  assert.deepEqual(new Set([a, b]), new Set([fx.before.traceId, fx.after.traceId]));
  const forward = a === fx.before.traceId;
  assert.deepEqual(counts, { added: '1', removed: '1', changed: '1', same: '2' });
  const state = (op: string) => page.locator('.diff-row', { hasText: op }).getAttribute('data-state');
  assert.equal(await state('score'), forward ? 'added' : 'removed');
  assert.equal(await state('verify token'), forward ? 'removed' : 'added');
  assert.equal(await state('get cart'), 'changed');
  assert.match(await page.locator('.diff-row', { hasText: 'get cart' }).innerText(), forward ? /1 → 2/ : /2 → 1/);
  await page.goto(url(`/trace/${fx.before.traceId}...${fx.after.traceId}`));
  await page.locator('[data-testid=diff-counts]').waitFor();
  assert.equal(await state('score'), 'added');
  await page.screenshot({ path: path.join(SHOTS, 'compare.png') });
});

test('the service map shows the expected edges with call counts, and a click searches the service', async () => {
  await page.goto(url('/dependencies'));
  await page.locator('[data-testid=service-map]').waitFor();
  const edges = await page.locator('[data-testid=service-map] .edge').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-edge'), e.textContent])));
  assert.deepEqual(edges, {
    'frontend->cart': '5',
    'frontend->auth': '2',
    'frontend->payment': '3',
    'payment->payment-db': '1',
    'payment->fraud': '1',
    'frontend->reports': '1',
  });
  await page.screenshot({ path: path.join(SHOTS, 'service-map.png') });
  await page.click('[data-testid=service-map] [data-node="payment-db"]');
  await page.locator('[data-testid=result-count]').waitFor();
  assert.equal(new URL(page.url()).searchParams.get('service'), 'payment-db');
  assert.deepEqual(await resultIds(), [fx.critical.traceId]);
});

test('opening a JSON file renders it without storing it (OTLP JSON and Jaeger JSON)', async () => {
  const uploaded = { traceId: 'f00000000000000000000000000000f1', baseMs: Date.now() - 60_000, spans: [
    { id: 'A', service: 'upload-svc', name: 'from a file', start: 0, end: 40 },
    { id: 'B', parent: 'A', service: 'upload-db', name: 'query', start: 10, end: 30, error: 'no rows' },
  ] };
  const otlpFile = path.join(tmp, 'trace.otlp.json');
  writeFileSync(otlpFile, otlpJson([uploaded]));
  await page.goto(url('/search'));
  await page.setInputFiles('[data-testid=upload]', otlpFile);
  await page.locator('[data-testid=span-count]').waitFor();
  assert.equal(await page.locator('[data-testid=span-count]').innerText(), '2');
  assert.match(await page.locator('.trace-header').innerText(), /upload-svc: from a file/);
  assert.match((await rowOf(uploaded.traceId, 'B').getAttribute('class'))!, /error/);
  const stored = await fetch(url(`/api/traces/${uploaded.traceId}`));
  assert.equal(stored.status, 404, 'an uploaded trace is not stored');

  const jaeger = await (await fetch(url(`/api/traces/${fx.slow.traceId}`))).json();
  const jaegerFile = path.join(tmp, 'trace.jaeger.json');
  writeFileSync(jaegerFile, JSON.stringify(jaeger));
  await page.setInputFiles('[data-testid=upload]', jaegerFile);
  await page.waitForURL(`**/trace/${fx.slow.traceId}`);
  await page.locator('.trace-header', { hasText: 'GET /report' }).waitFor();

  writeFileSync(path.join(tmp, 'bad.json'), '{"nope": 1}');
  await page.setInputFiles('[data-testid=upload]', path.join(tmp, 'bad.json'));
  assert.match(await page.locator('.banner').innerText(), /neither Jaeger JSON/);
});

test('dark and light themes', async () => {
  await page.goto(url(`/trace/${fx.critical.traceId}`));
  await page.locator('.span-row').first().waitFor();
  const before = await page.evaluate<string>('document.documentElement.dataset.theme');
  await page.click('.theme-toggle');
  const afterTheme = await page.evaluate<string>('document.documentElement.dataset.theme');
  assert.notEqual(afterTheme, before);
  const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  assert.equal(bg, afterTheme === 'dark' ? 'rgb(17, 19, 21)' : 'rgb(247, 248, 250)');
  if (afterTheme === 'dark') await page.screenshot({ path: path.join(SHOTS, 'trace-dark.png') });
  await page.reload();
  assert.equal(await page.evaluate<string>('document.documentElement.dataset.theme'), afterTheme, 'the choice survives a reload');
  await page.click('.theme-toggle');
});

test('serving: cached assets, index.html for UI routes, never in the way of /api', async () => {
  const html = await fetch(url('/trace/abc'));
  assert.equal(html.status, 200);
  assert.equal(html.headers.get('cache-control'), 'no-cache');
  const body = await html.text();
  assert.match(body, /window\.__WAYMARK_BASE__ = "";/);
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(body)![1]!;
  const js = await fetch(url(`/${asset}`), { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(js.headers.get('content-type')!, /javascript/);
  for (const p of ['/', '/search', '/dependencies', '/compare', '/trace/a...b']) assert.equal((await fetch(url(p))).status, 200, p);
  const api = await fetch(url('/api/nothing-here'));
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type')!, /json/);
  assert.equal((await fetch(url('/assets/..%2Fpackage.json'))).status, 404);
  assert.equal((await fetch(url('/assets/nope.js'))).status, 404);
});

test('--base-path /jaeger: the UI, its links and its API calls live under the prefix; clock-skew warnings show', async () => {
  const jaeger = await startWaymark({ basePath: '/jaeger', args: ['--max-clock-skew-adjust', '1s'] });
  try {
    // The child's host clock runs 30 ms behind: it seems to start before its parent.
    const skewed = { traceId: 'd0000000000000000000000000000005', baseMs: Date.now() - 120_000, spans: [
      { id: 'A', service: 'frontend', name: 'GET /skew', start: 0, end: 100 },
      { id: 'B', parent: 'A', service: 'skewed', name: 'late clock', start: -20, end: 30 },
    ] };
    await sendOtlp(jaeger.ports.otlpHttp, [fx.critical, skewed]);
    const p2 = await browser.context.newPage();
    await p2.goto(`http://127.0.0.1:${jaeger.ports.query}/jaeger/trace/${skewed.traceId}`);
    await p2.locator(`.span-row[data-span-id="${spanIdOf(skewed.traceId, 'B')}"]`).click();
    assert.match(await p2.locator('[data-testid=span-detail] .warnings').innerText(), /adjusted by/);
    await p2.goto(`http://127.0.0.1:${jaeger.ports.query}/jaeger/search?service=frontend&lookback=1h`);
    await p2.locator(`.result[data-trace-id="${fx.critical.traceId}"]`).waitFor();
    const title = p2.locator(`.result[data-trace-id="${fx.critical.traceId}"] .result-title`);
    assert.equal(await title.getAttribute('href'), `/jaeger/trace/${fx.critical.traceId}`);
    await title.click();
    await p2.locator('[data-testid=span-count]').waitFor();
    assert.equal(new URL(p2.url()).pathname, `/jaeger/trace/${fx.critical.traceId}`);
    await p2.goto(`http://127.0.0.1:${jaeger.ports.query}/jaeger/trace/${fx.critical.traceId}`);
    await p2.locator('[data-testid=span-count]').waitFor();
    await p2.close();
    assert.equal((await fetch(`http://127.0.0.1:${jaeger.ports.query}/search`)).status, 404);
    const jaegerRoutes = apiRoutes('/jaeger');
    const calls = requests.filter((r) => r.port === String(jaeger.ports.query) && r.pathname.includes('/api/'));
    assert.ok(calls.length >= 3);
    for (const c of calls) assert.ok(findRoute(jaegerRoutes, c.method, c.pathname), `the UI called ${c.method} ${c.pathname}, which the API under /jaeger does not have`);
  } finally {
    await jaeger.stop();
  }
});

test('the UI only ever called endpoints the API has', () => {
  const routes = apiRoutes('/');
  const calls = requests.filter((r) => r.port === String(waymark.ports.query) && r.pathname.includes('/api/'));
  const used = new Set<string>();
  for (const c of calls) {
    const route = findRoute(routes, c.method, c.pathname);
    assert.ok(route, `the UI called ${c.method} ${c.pathname}, which the API does not have`);
    used.add(`${route.method} ${route.pattern}`);
  }
  // The UI's whole API surface was exercised above.
  for (const r of ['GET /api/v3/services', 'GET /api/v3/operations', 'GET /api/v3/trace-summaries', 'GET /api/traces', 'GET /api/traces/:traceID', 'GET /api/dependencies', 'POST /api/transform', 'GET /api/storage/status']) assert.ok(used.has(r), `${r} was not exercised`);
});
