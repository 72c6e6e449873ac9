import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from './main.ts';
import { callService, forwardHeaders, sendJson, type CallResult, type Route } from './http.ts';

const PRODUCT = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml:
    '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
};

interface Review {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

/**
 * productpage (Python in the original): calls details (3 s timeout) then
 * reviews (3 s timeout, 2 tries), renders the page, and sets `end-user` from
 * the login session so the mesh can route by user.
 */
export function productpageRoutes({ logger, tracer }: AppContext): Route[] {
  const outgoing = (req: IncomingMessage): Record<string, string> => {
    const headers = forwardHeaders(req.headers);
    const user = sessionUser(req);
    if (user) headers['end-user'] = user;
    return headers;
  };
  const details = async (req: IncomingMessage, id: number): Promise<{ status: number; body: unknown }> => {
    try {
      const r = await callService('details', `/details/${id}`, outgoing(req), 3000);
      return r.status === 200 ? { status: 200, body: JSON.parse(r.body) } : { status: r.status, body: { error: 'Sorry, product details are currently unavailable for this book.' } };
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'details unreachable');
      return { status: 500, body: { error: 'Sorry, product details are currently unavailable for this book.' } };
    }
  };
  const reviews = async (req: IncomingMessage, id: number): Promise<{ status: number; body: { podname?: string; reviews?: Review[]; error?: string } }> => {
    let last: CallResult | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        last = await callService('reviews', `/reviews/${id}`, outgoing(req), 3000);
        if (last.status === 200) return { status: 200, body: JSON.parse(last.body) };
      } catch (err) {
        logger.warn({ err: (err as Error).message, attempt }, 'reviews call failed');
      }
    }
    logger.error({ status: last?.status }, 'reviews unavailable');
    return { status: last?.status ?? 500, body: { error: 'Sorry, product reviews are currently unavailable for this book.' } };
  };
  const page = async (req: IncomingMessage, res: ServerResponse) => {
    const user = sessionUser(req);
    const d = await details(req, PRODUCT.id);
    const r = await reviews(req, PRODUCT.id);
    const html = tracer.startActiveSpan('render productpage', (span) => {
      span.setAttribute('bookinfo.user', user ?? '');
      span.setAttribute('bookinfo.reviews_status', r.status);
      const text = render(user, d.body as Record<string, unknown>, r.body);
      span.end();
      return text;
    });
    logger.info({ user: user ?? null, details: d.status, reviews: r.status, reviews_pod: r.body.podname ?? null }, 'productpage rendered');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
    res.end(html);
  };
  return [
    { method: 'GET', path: /^\/health$/, handle: (_req, res) => sendJson(res, 200, { status: 'Product page is healthy' }) },
    { method: 'GET', path: /^\/$/, handle: (_req, res) => redirect(res, '/productpage') },
    { method: 'GET', path: /^\/productpage$/, handle: page },
    {
      method: 'POST',
      path: /^\/login$/,
      async handle(req, res) {
        const form = new URLSearchParams(await readText(req));
        const user = form.get('username') ?? '';
        logger.info({ user }, 'login');
        redirect(res, '/productpage', `session=${encodeURIComponent(user)}; Path=/; HttpOnly`);
      },
    },
    { method: 'GET', path: /^\/logout$/, handle: (_req, res) => redirect(res, '/productpage', 'session=; Path=/; Max-Age=0') },
    { method: 'GET', path: /^\/static\/.*$/, handle: (_req, res) => sendJson(res, 200, {}) },
    { method: 'GET', path: /^\/api\/v1\/products$/, handle: (_req, res) => sendJson(res, 200, [PRODUCT]) },
    {
      method: 'GET',
      path: /^\/api\/v1\/products\/(\d+)$/,
      async handle(req, res, [id]) {
        const d = await details(req, Number(id));
        sendJson(res, d.status, d.body);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/products\/(\d+)\/reviews$/,
      async handle(req, res, [id]) {
        const r = await reviews(req, Number(id));
        sendJson(res, r.status, r.body);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/products\/(\d+)\/ratings$/,
      async handle(req, res, [id]) {
        try {
          const r = await callService('ratings', `/ratings/${id}`, outgoing(req), 3000);
          sendJson(res, r.status, r.status === 200 ? JSON.parse(r.body) : { error: 'Sorry, product ratings are currently unavailable for this book.' });
        } catch {
          sendJson(res, 503, { error: 'Sorry, product ratings are currently unavailable for this book.' });
        }
      },
    },
  ];
}

function sessionUser(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '');
  if (m) return decodeURIComponent(m[1]!);
  const h = req.headers['end-user'];
  return typeof h === 'string' && h !== '' ? h : undefined;
}

function redirect(res: ServerResponse, to: string, cookie?: string): void {
  res.writeHead(302, { location: to, ...(cookie ? { 'set-cookie': cookie } : {}), 'content-length': 0 });
  res.end();
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function stars(r: Review['rating']): string {
  if (!r) return '';
  if (r.error) return `<p class="rating-error">${esc(r.error)}</p>`;
  const n = r.stars ?? 0;
  return `<p class="stars" style="color:${esc(r.color)}">${'★'.repeat(n)}${'☆'.repeat(5 - n)}</p>`;
}

function render(user: string | undefined, details: Record<string, unknown>, reviews: { podname?: string; reviews?: Review[]; error?: string }): string {
  const detailRows = details.error
    ? `<p>${esc(details.error)}</p>`
    : Object.entries(details)
        .filter(([k]) => k !== 'id')
        .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
        .join('');
  const reviewBlocks = reviews.error
    ? `<p>${esc(reviews.error)}</p>`
    : (reviews.reviews ?? []).map((r) => `<blockquote><p>${esc(r.text)}</p><small>${esc(r.reviewer)}</small>${stars(r.rating)}</blockquote>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Simple Bookstore App</title></head>
<body>
<nav>BookInfo Sample ${user ? `| signed in as <b>${esc(user)}</b> <a href="/logout">sign out</a>` : '| <form method="post" action="/login" style="display:inline"><input name="username" placeholder="username"><button>Sign in</button></form>'}</nav>
<h1>${esc(PRODUCT.title)}</h1>
<p>${PRODUCT.descriptionHtml}</p>
<section><h2>Book Details</h2><dl>${detailRows}</dl></section>
<section><h2>Book Reviews</h2>${reviewBlocks}<p class="reviews-pod">Reviews served by: <u>${esc(reviews.podname ?? '')}</u></p></section>
</body></html>
`;
}
