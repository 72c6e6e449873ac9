import type { QueryFailure } from '../errors.ts';
import type { QueryService } from '../query-service.ts';
import { envelope, jsonResponse, legacyErrorResponse } from './respond.ts';
import type { QueryRouter } from './router.ts';

/**
 * `GET /api/storage/status`: the damaged store files found since start-up,
 * with how many spans were salvaged from each and how many could not be
 * read, so the UI can say that some data is missing rather than let a
 * trace's 404 look like it never arrived. Not part of Jaeger's API.
 */
export function registerStorageStatusRoute(r: QueryRouter, svc: QueryService): void {
  r.get('/api/storage/status', 'legacy', (f: QueryFailure) => legacyErrorResponse(f), async () => jsonResponse(envelope(svc.storageStatus())));
}
