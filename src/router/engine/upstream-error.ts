// How an upstream attempt failed, classified once so that retries, outlier detection and metrics
// never look at error messages (STYLE #5).

/**
 * Why an attempt did not produce an answer. `slow`: abandoned because the hedge it triggered
 * answered first (evidence against the endpoint, like a per-try timeout); `aborted`: abandoned for
 * any other reason (another attempt won, deadline, client gone), no evidence either way.
 */
export type FailureReason = 'refused' | 'reset' | 'timeout' | 'slow' | 'http_5xx' | 'network' | 'too_large' | 'aborted';

/** An attempt's failure, with a message naming the endpoint and what happened. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** Maps a Node socket/HTTP error to its reason: ECONNREFUSED, ECONNRESET/EPIPE, abort, anything else; an aborted `cancel`'s own reason first. */
export function toUpstreamError(e: unknown, where: string, cancel?: { readonly reason: UpstreamError | undefined }): UpstreamError {
  // Whoever aborted said why (a hedge won, a timeout): that beats what the layers below made of it.
  const why = cancel?.reason;
  if (why !== undefined) return why;
  if (e instanceof UpstreamError) return e;
  const code = (e as { code?: unknown }).code;
  const name = (e as { name?: unknown }).name;
  if (name === 'AbortError' || code === 'ABORT_ERR') return new UpstreamError('aborted', `${where}: abandoned`);
  if (code === 'ECONNREFUSED') return new UpstreamError('refused', `${where} refused the connection`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new UpstreamError('reset', `${where} reset the connection`);
  const detail = e instanceof Error ? e.message : String(e);
  return new UpstreamError('network', `${where}: ${typeof code === 'string' ? `${code} ` : ''}${detail}`);
}
