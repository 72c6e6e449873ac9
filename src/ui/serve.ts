import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { HttpEnv } from '../server/http.ts';

/** The single-page app's own routes (the Jaeger UI's URLs): each answers index.html. */
export const UI_ROUTES = ['/', '/search', '/dependencies', '/compare', '/compare/*', '/trace/*'] as const;

// Run from source the build sits beside this file (src/ui/dist); the compiled
// package runs dist/ui/serve.js and ships the build in src/ui/dist.
const here = path.dirname(fileURLToPath(import.meta.url));
const CANDIDATES = [path.join(here, 'dist'), path.join(here, '../../src/ui/dist')];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

export interface UiOptions {
  /** Folder of the Vite build; found automatically when absent. */
  dir?: string;
}

/**
 * Serves the built UI on the query server's app under the base path: hashed
 * assets cached for a year, index.html (never cached, base path injected) for
 * the UI's routes. Registers only those paths, so it never shadows /api/...
 */
export function mountUi(app: Hono<HttpEnv>, basePath: string, options: UiOptions = {}): void {
  const base = basePath === '/' ? '' : basePath.replace(/\/$/, '');
  const cache = new Map<string, Asset>();
  let dir: string | undefined;
  let indexHtml: Asset | undefined;

  // Looked up on first use rather than at start, so a build made after the server started is picked up.
  const buildDir = (): string | undefined => (dir ??= [options.dir, ...CANDIDATES].find((d) => d !== undefined && existsSync(path.join(d, 'index.html'))));

  const index = (c: Context<HttpEnv>): Response => {
    const d = buildDir();
    if (!d) return c.text('The Waymark UI is not built. Run `npm run build:ui` (npm install does it), then reload.\n', 503);
    if (!indexHtml) {
      const html = readFileSync(path.join(d, 'index.html'), 'utf8').replace('<!--WAYMARK_BASE-->', baseTags(base));
      indexHtml = asset(Buffer.from(html), 'text/html; charset=utf-8');
    }
    return send(c, indexHtml, 'no-cache');
  };

  for (const route of UI_ROUTES) {
    app.get(base + route, index);
    if (route === '/' && base !== '') app.get(base, index);
  }

  app.get(`${base}/assets/:name`, (c) => {
    const name = c.req.param('name');
    const d = buildDir();
    // Names come from the build (hashed, flat): anything else, such as "..", is not ours.
    if (!d || !/^[\w.-]+$/.test(name) || name.startsWith('.')) return c.text('404 page not found\n', 404);
    let a = cache.get(name);
    if (!a) {
      const file = path.join(d, 'assets', name);
      if (!existsSync(file) || !statSync(file).isFile()) return c.text('404 page not found\n', 404);
      a = asset(readFileSync(file), TYPES[path.extname(name)] ?? 'application/octet-stream');
      cache.set(name, a);
    }
    return send(c, a, 'public, max-age=31536000, immutable');
  });
}

function asset(body: Buffer, type: string): Asset {
  const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
  return { body, type, gzip: compressible ? gzipSync(body) : undefined };
}

function send(c: Context<HttpEnv>, a: Asset, cacheControl: string): Response {
  const headers: Record<string, string> = { 'content-type': a.type, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff', vary: 'accept-encoding' };
  const gz = a.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  if (gz) headers['content-encoding'] = 'gzip';
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(gz ? a.gzip! : a.body), { status: 200, headers });
}

/** The <base> makes the build's relative asset URLs resolve under the base path from any route depth. */
function baseTags(base: string): string {
  const js = JSON.stringify(base).replace(/</g, '\\u003c');
  const href = `${base}/`.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<base href="${href}" />\n    <script>window.__WAYMARK_BASE__ = ${js};</script>`;
}
