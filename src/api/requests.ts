// Request and response shapes of the API that are not domain records (those are in contract.ts):
// what clients send and the few small replies. Types only, so a client importing this file pulls
// in no server code.
import type { Role } from '../core/domain.js';

// The rollback request is defined next to the service; clients reach it through here.
export type { DrillRequest, RollbackRequest } from '../rollout/service.js';
export type { ReplicaStatus } from '../providers/compute-provider.js';

/** `GET /api/v1/whoami`. */
export interface WhoAmI {
  name: string;
  role: Role;
}

/** `POST /api/v1/tokens`. */
export interface CreateTokenRequest {
  name: string;
  role: Role;
}

/** `GET /healthz`. */
export interface Health {
  ok: true;
}

/** Query of `GET /api/v1/events` and `GET /api/v1/events/stream` (the stream ignores `limit`). */
export interface EventsQuery {
  after?: number;
  model?: string;
  region?: string;
  rollout?: number;
  limit?: number;
}
