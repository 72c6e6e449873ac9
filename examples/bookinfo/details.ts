import type { AppContext } from './main.ts';
import { sendJson, type Route } from './http.ts';

/** details (Ruby in the original): book facts; a non-numeric id is a 400. */
export function detailsRoutes({ logger, tracer }: AppContext): Route[] {
  return [
    { method: 'GET', path: /^\/health$/, handle: (_req, res) => sendJson(res, 200, { status: 'Details is healthy' }) },
    {
      method: 'GET',
      path: /^\/details\/([^/]*)$/,
      handle(_req, res, [id]) {
        if (!/^\d+$/.test(id ?? '')) {
          logger.warn({ id }, 'please provide numeric product id');
          return sendJson(res, 400, { error: 'please provide numeric product id' });
        }
        const details = tracer.startActiveSpan('details.lookup', (span) => {
          span.setAttribute('book.id', Number(id));
          const d = book(Number(id));
          span.end();
          return d;
        });
        logger.info({ id: Number(id) }, 'details served');
        sendJson(res, 200, details);
      },
    },
  ];
}

function book(id: number): Record<string, unknown> {
  return {
    id,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  };
}
