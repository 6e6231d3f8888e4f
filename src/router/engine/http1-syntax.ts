// HTTP/1.1 syntax shared by the upstream client's request writer, its response parser and the
// node:https path of transport.ts.

/** A token (RFC 9110 §5.6.2): what a method or a field name may be. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Anything a field value may not hold (RFC 9110 §5.5: HTAB, SP, VCHAR and obs-text only). A CR or
 * LF in a value would split the message (request smuggling, response splitting), and node:http's
 * `writeHead` throws on these characters, so a value that passes here can be forwarded as is.
 */
export const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Hop-by-hop headers describe one connection, not the message (RFC 9110 §7.6.1), and must not be
 * forwarded; content-length is the router's to set for the body it writes.
 */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

/** True when the comma-separated list (a Connection or Transfer-Encoding value, any case) holds `token` (lower case). */
export function hasToken(list: string | undefined, token: string): boolean {
  if (list === undefined) return false;
  const l = list.toLowerCase();
  // The common case costs one comparison: node:http servers send exactly `keep-alive` or `close`.
  if (l === token) return true;
  if (!l.includes(token)) return false;
  return l.split(',').some((t) => t.trim() === token);
}
