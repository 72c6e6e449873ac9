import { otlpType, EXPORT_RESPONSE, RPC_STATUS } from '../../protocols/otlp/schema.ts';

/**
 * Reads the upstream's answers. Small and off the hot path, so protobufjs
 * reflection is fine here; an unreadable answer yields undefined rather
 * than an error (the status code already decided the outcome).
 */
export function decodePartialSuccess(body: Uint8Array, contentType: string | null): { rejectedSpans: number; errorMessage: string } | undefined {
  try {
    const o = isJson(contentType)
      ? (JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>)
      : (otlpType(EXPORT_RESPONSE).toObject(otlpType(EXPORT_RESPONSE).decode(body), { longs: Number }) as Record<string, unknown>);
    const p = o.partialSuccess as { rejectedSpans?: number | string; errorMessage?: string } | undefined;
    if (!p) return undefined;
    return { rejectedSpans: Number(p.rejectedSpans ?? 0), errorMessage: p.errorMessage ?? '' };
  } catch {
    return undefined;
  }
}

export function decodeRpcStatusMessage(body: Uint8Array, contentType: string | null): string {
  if (body.length === 0) return '';
  try {
    if (isJson(contentType)) return String((JSON.parse(Buffer.from(body).toString('utf8')) as { message?: unknown }).message ?? '');
    if (contentType?.includes('protobuf')) return String((otlpType(RPC_STATUS).decode(body) as unknown as { message?: string }).message ?? '');
    return Buffer.from(body).subarray(0, 300).toString('utf8');
  } catch {
    return '';
  }
}

function isJson(contentType: string | null): boolean {
  return contentType?.includes('json') ?? false;
}
