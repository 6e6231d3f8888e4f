// A table of routes written as OpenAPI path templates (`/api/v1/rollouts/{id}`), so the same
// strings key the server's dispatch and the OpenAPI document, and a test can compare the two.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../core/domain.js';
import { MeridianError } from '../core/errors.js';
import type { ControlPlaneService, Principal } from '../rollout/service.js';
import type { ResolvedApiOptions } from './options.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler gets: the request, its decoded path parameters and query, and the caller. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The authenticated caller; a placeholder on public routes (role null). */
  principal: Principal;
  service: ControlPlaneService;
  options: ResolvedApiOptions;
  /** The API's own request metrics, rendered (for GET /api/v1/metrics). */
  apiMetrics(): string;
}

export interface Route {
  method: Method;
  /** An OpenAPI path template. */
  path: string;
  /** The least role allowed to call it; null = no authentication. */
  role: Role | null;
  handle(ctx: RequestContext): Promise<void> | void;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export type Match = { route: Route; params: Record<string, string> };

/** Finds the route for a method and path. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  /**
   * @throws MeridianError `NOT_FOUND` when no route has this path, `METHOD_NOT_ALLOWED` (with
   *         `details.allow`) when routes have it but not with this method
   */
  match(method: string, path: string): Match {
    const allow: string[] = [];
    for (const c of this.compiled) {
      const m = c.pattern.exec(path);
      if (m === null) continue;
      if (c.route.method !== method) {
        allow.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = decodeSegment(m[i + 1] ?? '')));
      return { route: c.route, params };
    }
    if (allow.length > 0) {
      throw new MeridianError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allow.join(' or ')}`, { allow: allow.join(', ') });
    }
    throw new MeridianError('NOT_FOUND', `no API endpoint at ${path}; GET /openapi.json lists them`);
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new MeridianError('BAD_REQUEST', `the path segment "${s}" is not valid percent-encoding`);
  }
}
