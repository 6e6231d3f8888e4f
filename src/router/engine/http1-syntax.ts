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

/** Optional whitespace (RFC 9110 §5.6.3): SP or HTAB. */
export function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/** True when `s[from, to)` is one or more ASCII digits. */
export function isDigits(s: string, from: number, to: number): boolean {
  if (from >= to || to > s.length) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** One field line of a header section, as {@link readField} found it. */
export interface FieldLine {
  /** The name as written (not lower-cased). */
  name: string;
  /** The value without its surrounding optional whitespace. */
  value: string;
  /** Where the line's CRLF (or the section's end) is. */
  end: number;
}

/** {@link readField}'s answer for a line without a colon, with an empty name or one that is not a token (also an obs-fold). */
export const BAD_NAME = -1;
/** {@link readField}'s answer for a value holding a control character. */
export const BAD_VALUE = -2;

/**
 * Reads the field line starting at `pos` of a header section held as a latin1 string (request and
 * response heads alike, RFC 9112 §5) into `f`, allocating only the two slices. Returns where the
 * next line starts, or {@link BAD_NAME} / {@link BAD_VALUE} (with `f.end` and, for a bad value,
 * `f.name` set, for the caller's message).
 */
export function readField(s: string, pos: number, f: FieldLine): number {
  let next = s.indexOf('\r\n', pos);
  if (next < 0) next = s.length;
  f.end = next;
  const colon = s.indexOf(':', pos);
  // No colon, an empty name or an obs-fold (leading whitespace: RFC 9112 §5.2 lets a recipient
  // reject the message) fails here: the name is not a token.
  const name = colon > pos && colon < next ? s.slice(pos, colon) : '';
  if (!TOKEN.test(name)) return BAD_NAME;
  f.name = name;
  let a = colon + 1;
  let b = next;
  while (a < b && isOws(s.charCodeAt(a))) a++;
  while (b > a && isOws(s.charCodeAt(b - 1))) b--;
  const value = s.slice(a, b);
  if (INVALID_VALUE.test(value)) return BAD_VALUE;
  f.value = value;
  return next + 2;
}
