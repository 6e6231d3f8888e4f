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
  | 'MODEL_INVALID'
  | 'ARTIFACT_DIGEST_MISMATCH'
  | 'ARTIFACT_MISSING'
  // providers
  | 'PROVISION_FAILED'
  | 'REPLICA_NOT_FOUND'
  // control plane: registry and rollouts
  | 'MODEL_VERSION_UNKNOWN'
  | 'VERSION_CONFLICT'
  | 'RESIDENCY_VIOLATION'
  | 'ROLLOUT_IN_PROGRESS'
  | 'NO_PREVIOUS_VERSION'
  | 'VERIFICATION_FAILED'
  | 'REGION_DOWN'
  // release strategies
  /** A command (promote, pause…) for a rollout that already ended. */
  | 'ROLLOUT_FINISHED'
  /** promote/pause/resume on an all-at-once rollout, which has no steps. */
  | 'NOT_A_STRATEGY_ROLLOUT'
  | 'ROLLOUT_PAUSED'
  | 'ROLLOUT_NOT_PAUSED'
  /** The judges found the candidate worse than the stable version; traffic went back. */
  | 'ANALYSIS_FAILED'
  /** `meridian abort`. */
  | 'ABORTED'
  // control-plane API and its clients
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The CLI has no control plane to talk to: no client config and no MERIDIAN_API_URL. */
  | 'CLIENT_NOT_CONFIGURED'
  /** The control plane could not be reached (connection refused, reset, DNS). */
  | 'UNAVAILABLE'
  // router data plane
  /** Every upstream attempt failed (refused, reset, 5xx, timed out) or the retry budget was spent. */
  | 'UPSTREAM_UNAVAILABLE'
  /** No upstream answered within the router's overall deadline. */
  | 'DEADLINE_EXCEEDED';

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
    case 'MODEL_VERSION_UNKNOWN':
    case 'NOT_FOUND':
    case 'REPLICA_NOT_FOUND':
      return 404;
    case 'MODEL_NOT_READY':
    case 'SHUTTING_DOWN':
    case 'OVERLOADED':
      return 503;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    // The request is fine but the state it meets is not (e.g. a token name already taken).
    case 'CONFLICT':
      return 409;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    // Well-formed but refused by policy (RFC 9110 §15.5.21): the model may not run in those regions.
    case 'RESIDENCY_VIOLATION':
      return 422;
    case 'UNAVAILABLE':
    case 'UPSTREAM_UNAVAILABLE':
      return 503;
    // A gateway that got no answer in time (RFC 9110 §15.6.5).
    case 'DEADLINE_EXCEEDED':
      return 504;
    case 'METHOD_NOT_ALLOWED':
      return 405;
    case 'VERSION_CONFLICT':
    case 'ROLLOUT_IN_PROGRESS':
    case 'ROLLOUT_FINISHED':
    case 'NOT_A_STRATEGY_ROLLOUT':
    case 'ROLLOUT_PAUSED':
    case 'ROLLOUT_NOT_PAUSED':
      return 409;
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
