import type { Context } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../component/errors.ts';
import { decodeExportRequest } from '../../protocols/otlp/proto-decoder.ts';
import { decodeExportRequestJson } from '../../protocols/otlp/json-decoder.ts';
import { encodeExportResponse, encodeRpcStatus } from '../../protocols/otlp/proto-encoder.ts';
import { exportResponseJson } from '../../protocols/otlp/json-encoder.ts';
import type { HttpEnv } from '../../server/http.ts';
import { mediaType, readBody } from '../shared/http-body.ts';
import { toHttpRefusal, type HttpRefusal } from '../shared/http-errors.ts';
import { HttpReceiver } from '../shared/http-receiver.ts';
import type { Ingest } from '../shared/ingest.ts';
import { ingestDecoded } from './outcome.ts';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
export const TRACES_PATH = '/v1/traces';

/** gRPC status codes for the google.rpc.Status body of an OTLP/HTTP error. */
const RPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

/**
 * OTLP/HTTP: POST /v1/traces, protobuf or JSON, answered in the request's
 * encoding (OTLP/HTTP spec). Errors carry a google.rpc.Status body.
 */
export class OtlpHttpReceiver extends HttpReceiver {
  protected readonly label = 'otlp_http';
  protected readonly description = 'otlp http receiver';

  // Values are cut during decoding (see outcome.ts), so Ingest gets no limit of its own.
  protected override ingestLimits(): { maxAttributeValueLength: number } {
    return { maxAttributeValueLength: 0 };
  }

  protected async handle(c: Context<HttpEnv>, ingest: Ingest): Promise<Response> {
    const type = mediaType(c.env.incoming);
    const json = type === JSON_TYPE;
    try {
      if (c.req.path !== TRACES_PATH) throw new InputError(404, 'not_found', `no route for ${c.req.path}: OTLP traces go to POST ${TRACES_PATH}`);
      if (c.req.method !== 'POST') throw new InputError(405, 'method_not_allowed', `${c.req.method} ${TRACES_PATH} is not allowed: use POST`);
      if (!json && type !== PROTOBUF && type !== 'application/protobuf') {
        throw new InputError(415, 'unsupported_media_type', `unsupported Content-Type "${type}": use ${PROTOBUF} or ${JSON_TYPE}`);
      }
      const body = await readBody(c.env.incoming, this.settings.maxRequestBytes);
      const max = this.settings.maxAttributeValueLength;
      const result = json ? decodeExportRequestJson(body.toString('utf8')) : decodeExportRequest(body, { maxAttributeValueLength: max });
      // Everything above refused the whole request before any span was counted.
      return this.ok(c, json, await ingestDecoded(ingest, result, max).catch((err) => Promise.reject(new Refused(err))));
    } catch (err) {
      const refusedInPipeline = err instanceof Refused;
      const refusal = toHttpRefusal(refusedInPipeline ? err.cause : err);
      if (!refusedInPipeline) ingest.count.refusedRequest(refusal.reason);
      const headers: Record<string, string> = {};
      if (refusal.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(refusal.retryAfterSeconds)));
      if (refusal.status === 405) headers.Allow = 'POST';
      const code = RPC_CODE[refusal.status] ?? 2;
      if (json || type !== PROTOBUF) {
        return c.json({ code, message: refusal.message }, refusal.status as 400, headers);
      }
      headers['Content-Type'] = PROTOBUF;
      return c.body(encodeRpcStatus(code, refusal.message) as Uint8Array<ArrayBuffer>, refusal.status as 400, headers);
    }
  }

  /** Push-back before the body is read, with the google.rpc.Status body OTLP/HTTP specifies, in the request's encoding. */
  protected override writeRefusal(req: IncomingMessage, res: ServerResponse, refusal: HttpRefusal): void {
    const code = RPC_CODE[refusal.status] ?? 2;
    const headers = { 'Retry-After': String(Math.max(1, Math.ceil(refusal.retryAfterSeconds ?? 1))) };
    if (mediaType(req) === PROTOBUF) {
      res.writeHead(refusal.status, { ...headers, 'Content-Type': PROTOBUF });
      res.end(encodeRpcStatus(code, refusal.message));
    } else {
      res.writeHead(refusal.status, { ...headers, 'Content-Type': JSON_TYPE });
      res.end(JSON.stringify({ code, message: refusal.message }));
    }
  }

  private ok(c: Context<HttpEnv>, json: boolean, o: { rejectedSpans: number; errorMessage: string }): Response {
    if (json) return c.json(exportResponseJson(o.rejectedSpans, o.errorMessage));
    return c.body(encodeExportResponse(o.rejectedSpans, o.errorMessage) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': PROTOBUF });
  }
}

/** Marks an error the pipeline raised (Ingest already counted its spans). */
class Refused extends Error {
  constructor(cause: unknown) {
    super('refused by the pipeline', { cause });
  }
}
