import type { AppContext } from './main.ts';
import { sendJson, type Route } from './http.ts';

/**
 * ratings (Node.js in the original). Fault variants by SERVICE_VERSION, as
 * the original image: v-faulty answers 503 half the time, v-delayed waits 7 s
 * half the time, v-unavailable always answers 503.
 */
export function ratingsRoutes({ logger, tracer, version }: AppContext): Route[] {
  return [
    { method: 'GET', path: /^\/health$/, handle: (_req, res) => sendJson(res, 200, { status: 'Ratings is healthy' }) },
    {
      method: 'GET',
      path: /^\/ratings\/([^/]*)$/,
      async handle(_req, res, [id]) {
        if (!/^\d+$/.test(id ?? '')) return sendJson(res, 400, { error: 'please provide numeric product ID' });
        if (version === 'v-unavailable' || (version === 'v-faulty' && Math.random() < 0.5)) {
          logger.error({ id: Number(id) }, 'ratings unavailable');
          return sendJson(res, 503, { error: 'Service unavailable' });
        }
        if (version === 'v-delayed' && Math.random() < 0.5) await new Promise((r) => setTimeout(r, 7000));
        const ratings = await tracer.startActiveSpan('ratings.query', async (span) => {
          span.setAttribute('db.system', 'memory');
          span.setAttribute('book.id', Number(id));
          const r = { Reviewer1: 5, Reviewer2: 4 };
          span.end();
          return r;
        });
        logger.info({ id: Number(id) }, 'ratings served');
        sendJson(res, 200, { id: Number(id), ratings });
      },
    },
  ];
}
