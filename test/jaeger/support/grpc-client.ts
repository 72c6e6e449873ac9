import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/**
 * A Jaeger gRPC client built in the test from the .proto files alone: its own
 * protobufjs root encodes the request, so nothing of the converter under test
 * is involved.
 */
const root = new protobuf.Root().loadSync(new URL('../../../src/protocols/jaeger/collector.proto', import.meta.url).pathname);
export const PostSpansRequest = root.lookupType('jaeger.api_v2.PostSpansRequest');

export const POST_SPANS = '/jaeger.api_v2.CollectorService/PostSpans';

export function encodePostSpans(request: Record<string, unknown>): Buffer {
  return Buffer.from(PostSpansRequest.encode(PostSpansRequest.fromObject(request)).finish());
}

/** Sends raw request bytes to PostSpans; resolves with the response bytes or rejects with the grpc error. */
export function postSpansRaw(port: number, body: Buffer): Promise<Buffer> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      POST_SPANS,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res!);
      },
    );
  });
}
