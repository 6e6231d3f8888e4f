// The raw front's limits and timeouts. Its defaults are node:http's: clients see the same
// connection behaviour from the raw path as from node:http, which answers the rest.
import { MeridianError } from '../../core/errors.js';

export interface FrontOptions {
  /** Request bodies over this many bytes are answered 413 (and the connection closed). */
  maxBodyBytes: number;
  keepAliveTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  checkIntervalMs?: number;
}

export type FrontSettings = Required<FrontOptions>;

export const FRONT_DEFAULTS = {
  /** node:http's keepAliveTimeout: an idle keep-alive connection is closed after 5 s (the router's own upstream pool keeps 4 s, below it, for the same reason). */
  keepAliveTimeoutMs: 5_000,
  /** node:http's headersTimeout: a client that never finishes its head (slow loris) is dropped with 408. */
  headersTimeoutMs: 60_000,
  /** node:http's requestTimeout: the whole request, head and body, must arrive within 5 min. */
  requestTimeoutMs: 300_000,
  /** node:http's connectionsCheckingInterval: the two timeouts above are checked this often, not timed per request. */
  checkIntervalMs: 30_000,
} as const;

/** Fills in defaults and checks every value. @throws MeridianError `INVALID_ARGUMENT` naming the field. */
export function frontSettings(o: FrontOptions): FrontSettings {
  const s: FrontSettings = { ...FRONT_DEFAULTS, ...o };
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v <= 0) throw new MeridianError('INVALID_ARGUMENT', `front ${k}: ${v} is not a positive whole number; give milliseconds (bytes for maxBodyBytes), e.g. ${k}: ${(FRONT_DEFAULTS as Record<string, number>)[k] ?? 1048576}`);
  }
  if (s.headersTimeoutMs > s.requestTimeoutMs) throw new MeridianError('INVALID_ARGUMENT', `front headersTimeoutMs (${s.headersTimeoutMs}) is longer than requestTimeoutMs (${s.requestTimeoutMs}); the head is part of the request, so raise requestTimeoutMs or lower headersTimeoutMs`);
  return s;
}
