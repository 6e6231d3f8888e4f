/**
 * A small error hierarchy with stable codes. Code branches on `code`, never on message text;
 * messages are for people and name the field and the fix.
 */
export type ErrorCode =
  // user input
  | 'INVALID_ARGUMENT'
  | 'USAGE'
  | 'REGION_UNKNOWN'
  | 'EDGE_UNKNOWN'
  | 'CATALOG_INVALID'
  // serving (OIP)
  | 'MODEL_NOT_FOUND'
  | 'MODEL_NOT_READY'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED'
  | 'INTERNAL'
  | 'SHUTTING_DOWN'
  | 'OVERLOADED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  // models / artifacts
  | 'MODEL_LOAD_FAILED'
  | 'ARTIFACT_DIGEST_MISMATCH'
  // providers
  | 'PROVISION_FAILED'
  | 'REPLICA_NOT_FOUND';

export class MeridianError extends Error {
  override readonly name: string = 'MeridianError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isMeridianError(e: unknown, code?: ErrorCode): e is MeridianError {
  return e instanceof MeridianError && (code === undefined || e.code === code);
}

/** HTTP status for each code. Follows Triton's mapping of OIP errors: NOT_FOUND→404, UNAVAILABLE→503, everything invalid→400. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'MODEL_NOT_FOUND':
    case 'NOT_FOUND':
    case 'REPLICA_NOT_FOUND':
      return 404;
    case 'MODEL_NOT_READY':
    case 'SHUTTING_DOWN':
    case 'OVERLOADED':
      return 503;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'UNSUPPORTED':
      return 501;
    case 'INTERNAL':
    case 'MODEL_LOAD_FAILED':
    case 'PROVISION_FAILED':
    case 'CATALOG_INVALID':
    case 'ARTIFACT_DIGEST_MISMATCH':
      return 500;
    default:
      return 400;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
