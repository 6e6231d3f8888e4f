// The head of a request the raw front answers itself (RFC 9112 §3, §5), parsed from one latin1
// string: one native decode, then every name and value is a slice of it. It accepts only the
// plain requests the router's hot path sees; for anything else it says no and node:http, with its
// full parser, answers instead (front-connection.ts hands the connection over).
import { hasToken, isDigits, readField, type FieldLine } from '../engine/http1-syntax.js';

/** The largest header section answered raw; node:http answers larger ones (431, its 16 KiB default). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** What a parsed head says; filled in place (one object per request). */
export interface RequestHead {
  method: string;
  url: string;
  /** Names in lower case; repeats as node:http's IncomingMessage has them (joined, or the first kept). */
  headers: Record<string, string>;
  /** -1 when absent. */
  contentLength: number;
  /** Whether the connection persists after this request (RFC 9112 §9.3). */
  keepAlive: boolean;
}

/** 15 digits stay exact in a double and are far above any body limit. */
const MAX_LENGTH_DIGITS = 15;
/** The field line being read (parsing is synchronous: one serves every head). */
const field: FieldLine = { name: '', value: '', end: 0 };
/** What node:http rejects in a request-target: controls and space (its INVALID_PATH_REGEX). */
const INVALID_TARGET = /[^\u0021-\u00ff]/;
/** Fields node:http keeps only the first of (IncomingMessage's matchKnownFields); other repeats are joined. */
const FIRST_ONLY = new Set(['content-type', 'user-agent', 'referer', 'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);

/**
 * Parses a header section (without its final CRLFCRLF) into `r`. False when the raw front should
 * not answer it: a method other than GET, HEAD or POST; not HTTP/1.0 or 1.1; a target not
 * starting with `/`; a malformed line; Transfer-Encoding, Expect or Upgrade; a bad or repeated
 * Content-Length, or none on a POST; no (or a repeated) Host in HTTP/1.1 (node:http answers 400).
 */
export function parseRequestHead(s: string, r: RequestHead): boolean {
  let eol = s.indexOf('\r\n');
  if (eol < 0) eol = s.length;
  const sp = s.indexOf(' ');
  if (sp < 0 || sp > 4) return false;
  const method = s.slice(0, sp);
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') return false;
  // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
  const sp2 = eol - 9;
  if (sp2 <= sp + 1 || s.charCodeAt(sp2) !== 32 || s.charCodeAt(sp + 1) !== 47 || !s.startsWith('HTTP/1.', sp2 + 1)) return false;
  const minor = s.charCodeAt(eol - 1) - 48;
  if (minor !== 0 && minor !== 1) return false;
  const url = s.slice(sp + 1, sp2);
  if (INVALID_TARGET.test(url)) return false;
  const headers: Record<string, string> = {};
  let length = -1;
  let host = false;
  const f = field;
  for (let pos = eol + 2; pos < s.length; ) {
    const next = readField(s, pos, f);
    if (next < 0) return false;
    pos = next;
    const { name, value } = f;
    const key = name.toLowerCase();
    const had = headers[key];
    if (key === 'content-length') {
      // RFC 9112 §6.3 item 5: a length that is not digits, or two of them, leaves the framing unknowable.
      if (had !== undefined || value.length > MAX_LENGTH_DIGITS || !isDigits(value, 0, value.length)) return false;
      length = Number(value);
    } else if (key === 'host') {
      if (host) return false;
      host = true;
    } else if (key === 'transfer-encoding' || key === 'expect' || key === 'upgrade') return false;
    if (had === undefined) headers[key] = value;
    else if (!FIRST_ONLY.has(key)) headers[key] = `${had}${key === 'cookie' ? '; ' : ', '}${value}`;
  }
  if ((minor === 1 && !host) || (method === 'POST' && length < 0)) return false;
  r.method = method;
  r.url = url;
  r.headers = headers;
  r.contentLength = length;
  const connection = headers.connection;
  r.keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
  return true;
}
