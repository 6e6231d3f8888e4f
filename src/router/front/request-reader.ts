// Turns a connection's bytes into requests for the raw front: finds the end of each head however
// the reads split it, parses it, then gathers its body by Content-Length. What is not consumed
// stays in `input`: the next pipelined request, or the bytes to hand to node:http.
import { InputBuffer } from './input-buffer.js';
import { RawExchange, type ExchangeOwner } from './raw-exchange.js';
import { MAX_HEAD_BYTES, parseRequestHead } from './request-head.js';

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const LFLF = Buffer.from('\n\n', 'latin1');
const EMPTY = Buffer.alloc(0);

export class RequestReader {
  readonly input = new InputBuffer();
  /** When the request being received started waiting for more bytes (epoch ms); 0 when none is. */
  since = 0;
  /** Where to resume looking for the end of a split head (CRLFCRLF may straddle reads). */
  private scanFrom = 0;

  /**
   * The next request, its head parsed (its body not yet read); undefined until its head is all
   * in; 'fallback' for a head the raw path does not take, or one over MAX_HEAD_BYTES (both left
   * unconsumed in `input`).
   */
  head(owner: ExchangeOwner): RawExchange | 'fallback' | undefined {
    const input = this.input;
    const n = input.length;
    if (n === 0) {
      this.since = 0;
      return undefined;
    }
    const b = input.view();
    const end = b.indexOf(CRLFCRLF, this.scanFrom);
    if (end > MAX_HEAD_BYTES || (end < 0 && n > MAX_HEAD_BYTES + 3)) return 'fallback';
    if (end < 0) {
      // Lines ended by a bare LF would never show a CRLFCRLF: node:http decides on those (RFC 9112 §2.2).
      if (b.indexOf(LFLF, Math.max(0, this.scanFrom - 1)) >= 0) return 'fallback';
      this.scanFrom = Math.max(0, n - 3);
      if (this.since === 0) this.since = Date.now();
      return undefined;
    }
    const ex = new RawExchange(owner);
    if (!parseRequestHead(b.toString('latin1', 0, end), ex)) return 'fallback';
    input.consume(end + 4);
    this.scanFrom = 0;
    return ex;
  }

  /** Gathers the body of `ex` (its content-length; a POST without one gets an empty body). True once it is complete. */
  body(ex: RawExchange): boolean {
    const need = ex.contentLength;
    const input = this.input;
    if (need > 0 && input.length < need) {
      input.reserve(need);
      if (this.since === 0) this.since = Date.now();
      return false;
    }
    const body = need > 0 ? input.take(need) : EMPTY;
    // The body of a GET or HEAD means nothing to the router (RFC 9110 §9.3.1): read, then dropped.
    if (ex.method === 'POST') ex.body = body;
    this.since = 0;
    return true;
  }
}
