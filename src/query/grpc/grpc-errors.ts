import * as grpc from '@grpc/grpc-js';
import { ClientGoneError, QueryDeadlineError, toQueryFailure } from '../errors.ts';

/** The query errors as gRPC statuses, mapped once for both query services. */
export function toGrpcError(err: unknown): Partial<grpc.StatusObject> & Error {
  if (err instanceof GrpcStatusError) return err;
  if (err instanceof QueryDeadlineError) return new GrpcStatusError(grpc.status.DEADLINE_EXCEEDED, err.message);
  if (err instanceof ClientGoneError) return new GrpcStatusError(grpc.status.CANCELLED, err.message);
  const f = toQueryFailure(err);
  const code =
    f.status === 404 ? grpc.status.NOT_FOUND
    : f.status === 503 ? grpc.status.UNAVAILABLE
    : f.status === 500 ? grpc.status.INTERNAL
    : grpc.status.INVALID_ARGUMENT;
  return Object.assign(new Error(f.message), { code, details: f.message });
}

/** An answer with a specific gRPC status, where Jaeger's differs from the HTTP mapping. */
export class GrpcStatusError extends Error {
  readonly code: grpc.status;
  readonly details: string;
  constructor(code: grpc.status, message: string) {
    super(message);
    this.code = code;
    this.details = message;
  }
}
