// Exit codes of every `meridian` command: 0 success, 1 failure (a rollout that failed, a server
// error, a refused token, an unreachable control plane), 2 bad usage (caught locally, or a request
// the server refused as invalid: 400, 404, 409, 413, 415, 422).
import { isMeridianError, type ErrorCode } from '../core/errors.js';
import { ApiCallError } from './api-client.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Local errors that mean "the command line is wrong". */
const USAGE_CODES: readonly ErrorCode[] = ['USAGE', 'INVALID_ARGUMENT', 'REGION_UNKNOWN'];

/** The exit code for an error that ended a command. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof ApiCallError) {
    // 401/403 are not the command's fault: the same command works with another token.
    const usage = e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403;
    return usage ? EXIT_USAGE : EXIT_FAILED;
  }
  if (isMeridianError(e) && USAGE_CODES.includes(e.code)) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** How a failed command reports its error: the message, and the server's code when there is one. */
export function errorText(e: unknown): string {
  if (e instanceof ApiCallError) return `${e.message} [${e.code}${e.status > 0 ? `, HTTP ${e.status}` : ''}]`;
  return e instanceof Error ? e.message : String(e);
}
