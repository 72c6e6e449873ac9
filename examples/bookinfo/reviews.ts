import type { AppContext } from './main.ts';
import { callService, forwardHeaders, sendJson, type Route } from './http.ts';

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
];

/**
 * reviews (Java in the original), three versions: v1 never calls ratings;
 * v2 calls it and shows black stars (10 s timeout); v3 red stars (2.5 s).
 */
export function reviewsRoutes({ logger, tracer, version }: AppContext): Route[] {
  const ratingsEnabled = version !== 'v1';
  const color = version === 'v3' ? 'red' : 'black';
  const timeoutMs = version === 'v3' ? 2500 : 10_000;
  const podname = process.env.POD_NAME ?? `reviews-${version}`;
  return [
    { method: 'GET', path: /^\/health$/, handle: (_req, res) => sendJson(res, 200, { status: 'Reviews is healthy' }) },
    {
      method: 'GET',
      path: /^\/reviews\/([^/]*)$/,
      async handle(req, res, [id]) {
        if (!/^\d+$/.test(id ?? '')) return sendJson(res, 400, { error: 'please provide numeric product ID' });
        let ratings: Record<string, number> | undefined;
        let failed = false;
        if (ratingsEnabled) {
          try {
            const r = await callService('ratings', `/ratings/${id}`, forwardHeaders(req.headers), timeoutMs);
            if (r.status === 200) ratings = (JSON.parse(r.body) as { ratings: Record<string, number> }).ratings;
            else {
              failed = true;
              logger.error({ status: r.status }, 'error from ratings service');
            }
          } catch (err) {
            failed = true;
            logger.error({ err: (err as Error).message }, 'ratings service unreachable');
          }
        }
        const body = tracer.startActiveSpan('reviews.assemble', (span) => {
          span.setAttribute('reviews.version', version);
          const reviews = REVIEWS.map((r) => {
            if (!ratingsEnabled) return r;
            const stars = ratings?.[r.reviewer];
            return { ...r, rating: failed || stars === undefined ? { error: 'Ratings service is currently unavailable' } : { stars, color } };
          });
          span.end();
          return { id: String(id), podname, clustername: 'null', reviews };
        });
        logger.info({ id: Number(id), ratings: ratingsEnabled, failed }, 'reviews served');
        sendJson(res, 200, body);
      },
    },
  ];
}
