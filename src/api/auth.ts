// Bearer-token authentication (RFC 6750) and the role ladder viewer < deployer < admin.
import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import type { ControlPlaneService, Principal } from '../rollout/service.js';

const RANK: Record<Role, number> = { viewer: 0, deployer: 1, admin: 2 };

/** What each role may do, for error messages. */
const CAN: Record<Role, string> = {
  viewer: 'read models, rollouts, status and events',
  deployer: 'push models, deploy and roll back',
  admin: 'manage tokens',
};

/** True when `role` is at least `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/**
 * The caller named by the `Authorization: Bearer <token>` header.
 * @throws MeridianError `UNAUTHENTICATED` when the header is missing, malformed or the token unknown;
 *         `details.tokenGiven` tells the error handler which RFC 6750 challenge to send
 */
export async function authenticate(service: ControlPlaneService, headers: IncomingHttpHeaders): Promise<Principal> {
  const header = headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new MeridianError('UNAUTHENTICATED', 'missing Authorization header; send "Authorization: Bearer <token>" (`meridian up` writes an admin token to $MERIDIAN_HOME/config.json)', { tokenGiven: false });
  }
  // The scheme is case-insensitive (RFC 9110 §11.1).
  const m = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (m === null) {
    throw new MeridianError('UNAUTHENTICATED', 'Authorization header: expected "Bearer <token>"; other schemes are not accepted', { tokenGiven: false });
  }
  const principal = await service.authenticate(m[1]!);
  if (principal === undefined) {
    throw new MeridianError('UNAUTHENTICATED', 'the bearer token is not valid (mistyped or revoked); ask an admin for a token (`meridian tokens create NAME --role viewer|deployer|admin`)', { tokenGiven: true });
  }
  return principal;
}

/** @throws MeridianError `FORBIDDEN` naming the role needed and the caller's role */
export function requireRole(p: Principal, needed: Role): void {
  if (hasRole(p.role, needed)) return;
  throw new MeridianError('FORBIDDEN', `this needs the ${needed} role (to ${CAN[needed]}); token "${p.name}" has the ${p.role} role; ask an admin for a ${needed} token`, { needed, role: p.role });
}
