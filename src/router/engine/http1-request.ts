// The head of an upstream request (RFC 9112 §3, §5): request line and header section as one
// latin1 string, built once per request (and kept for its one transparent retry).
import { HOP_BY_HOP, INVALID_VALUE, TOKEN } from './http1-syntax.js';

/** What node:http accepts in a request-target (its INVALID_PATH_REGEX): no controls, no space. */
const INVALID_PATH = /[^\u0021-\u00ff]/;

/**
 * `METHOD path HTTP/1.1`, Host, the given headers (hop-by-hop ones, host and content-length
 * skipped: they are this connection's to set) and content-length when `bodyLength` is given.
 * @throws Error naming the part that would break the message: a CR or LF in a value would let it
 * smuggle a second request. The router's headers are validated already; this is the last line.
 */
export function requestHead(method: string, path: string, host: string, headers: Record<string, string>, bodyLength: number | undefined): string {
  if (!TOKEN.test(method)) throw new Error(`method "${method}" is not a token`);
  if (INVALID_PATH.test(path)) throw new Error(`path "${path}" holds a space or control character; percent-encode it`);
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  // for-in over the router's plain object: no entries array per request.
  for (const name in headers) {
    const value = headers[name]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'host') continue;
    if (!TOKEN.test(name)) throw new Error(`header name "${name}" is not a token`);
    if (INVALID_VALUE.test(value)) throw new Error(`header "${name}" holds a CR, LF or other control character`);
    head += `${name}: ${value}\r\n`;
  }
  if (bodyLength !== undefined) head += `content-length: ${bodyLength}\r\n`;
  return `${head}\r\n`;
}
