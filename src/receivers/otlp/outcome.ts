import type { DecodeResult } from '../../protocols/otlp/decode-result.ts';
import { rejectionMessage } from '../../protocols/otlp/decode-result.ts';
import { truncateSpans, type Ingest } from '../shared/ingest.ts';

/** What both OTLP transports answer once a request decoded: the partial-success counts. */
export interface ExportOutcome {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * Hands the valid spans to the pipeline and counts the invalid ones as
 * refused (reason invalid_id); resolves once the store confirmed the rest.
 *
 * The OTLP receivers build their Ingest without a value-length limit and
 * apply it here instead: the protobuf decoder already cut long values while
 * decoding (one pass over the attributes instead of two); JSON results are
 * cut with Ingest's own truncateSpans.
 */
export async function ingestDecoded(ingest: Ingest, result: DecodeResult, maxAttributeValueLength: number): Promise<ExportOutcome> {
  if (result.rejected > 0) ingest.count.refused(result.rejected, 'invalid_id');
  const cut = result.truncated ?? (maxAttributeValueLength > 0 ? truncateSpans(result.spans, maxAttributeValueLength) : 0);
  ingest.count.truncated(cut);
  await ingest.ingest(result.spans);
  return { rejectedSpans: result.rejected, errorMessage: rejectionMessage(result) };
}
