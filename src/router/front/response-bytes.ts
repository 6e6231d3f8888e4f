// The head of a response as the raw front writes it: one latin1 string (status line with
// node:http's reason phrase, the handler's headers, content-length, date, connection), written
// with its body in one write by engine/http1-write.ts. node:http builds the same head through
// setHeader's header maps and _storeHeader; this is the part of its cost the hot path avoids.
import { STATUS_CODES } from 'node:http';
import { HOP_BY_HOP, INVALID_VALUE } from '../engine/http1-syntax.js';

/** The `date:` line, rebuilt at most once a second (node:http caches its Date header the same way). */
let dateLine = '';

function date(): string {
  if (dateLine === '') {
    const now = Date.now();
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
    setTimeout(() => (dateLine = ''), 1000 - (now % 1000)).unref();
  }
  return dateLine;
}

/**
 * The head of a response: `connection` is the line's value (`keep-alive` or `close`), `keepAlive`
 * the whole Keep-Alive line to add when the connection persists (`keep-alive: timeout=5\r\n`).
 * Names in `headers` are lower case; hop-by-hop ones and content-length are the front's to set
 * and skipped. No content-length on 204 (RFC 9110 §8.6).
 * @throws Error for a value holding CR, LF or another control character (response splitting),
 * before anything is written; node:http's writeHead throws on the same values.
 */
export function responseHead(status: number, headers: Record<string, string>, length: number, persist: boolean, keepAliveLine: string): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  let hasDate = false;
  // for-in over the handler's plain object: no entries array per response.
  for (const name in headers) {
    const value = headers[name]!;
    if (HOP_BY_HOP.has(name)) continue;
    if (INVALID_VALUE.test(value)) throw new Error(`response header "${name}" holds a CR, LF or other control character`);
    if (name === 'date') hasDate = true;
    head += `${name}: ${value}\r\n`;
  }
  if (status !== 204 && status !== 304) head += `content-length: ${length}\r\n`;
  if (!hasDate) head += date();
  return persist ? `${head}connection: keep-alive\r\n${keepAliveLine}\r\n` : `${head}connection: close\r\n\r\n`;
}
