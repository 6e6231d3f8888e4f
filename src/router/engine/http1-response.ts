// An incremental HTTP/1.1 response parser (RFC 9112) for the router's upstream client: bytes go in
// as TCP delivers them, split anywhere; out come the status, the end-to-end headers and the body.
// One parser lives with each connection and is reset per response, so the hot path allocates only
// the head string, its slices, the headers object and (when the body spans reads) the body's pieces.
import { ResponseError, ResponseHead, parseHead } from './http1-head.js';
import { hasToken, isOws } from './http1-syntax.js';

/** The largest header section accepted (node:http's default is 16 KiB; model servers send ~150 bytes). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The largest chunk-size line (size plus chunk extensions, RFC 9112 §7.1.1) accepted. */
const MAX_LINE_BYTES = 4096;
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

/** Where the parser is in a response. */
type State =
  /** Waiting for the end of a header section (interim 1xx ones are read and dropped). */
  | 'head'
  /** In a Content-Length body: `remaining` bytes to go. */
  | 'length'
  /** In a chunk-size line's hex digits, then its extensions (skipped), then its LF. */
  | 'size'
  | 'ext'
  | 'size-lf'
  /** In a chunk's data (`remaining` bytes to go), then the CRLF after it. */
  | 'data'
  | 'data-cr'
  | 'data-lf'
  /** In the trailer section after the last chunk (trailers are dropped: RFC 9110 §6.5.1 lets a recipient ignore them). */
  | 'trailer'
  | 'trailer-lf'
  /** Reading the body until the server closes the connection (no framing: RFC 9112 §6.3 item 8). */
  | 'eof'
  /** The response is complete. */
  | 'done';

/** Parses one response at a time; call {@link start} before each. */
export class ResponseParser {
  /** The final response's status and headers, once its header section is in. */
  readonly head = new ResponseHead();
  /** The connection may carry another request after this response. */
  keepAlive = false;
  private state: State = 'done';
  private noBody = false;
  private limit = 0;
  /** Bytes left in a Content-Length body or a chunk; the size so far in a chunk-size line; the trailer section's length so far. */
  private remaining = 0;
  /** The length so far of a chunk-size or trailer line. */
  private line = 0;
  /** A header section split across reads: its bytes so far (grown by doubling) and their count. */
  private pending: Buffer | undefined;
  private pendingLength = 0;
  private first: Buffer | undefined;
  private more: Buffer[] | undefined;
  private size = 0;

  /** Resets for the next response. `noBody`: the request was HEAD. Bodies over `limit` bytes fail. */
  start(noBody: boolean, limit: number): void {
    this.state = 'head';
    this.noBody = noBody;
    this.limit = limit;
    this.pending = undefined;
    this.first = this.more = undefined;
    this.size = 0;
  }

  /** The body so far (all of it once complete). */
  body(): Buffer {
    return this.more !== undefined ? Buffer.concat(this.more, this.size) : (this.first ?? EMPTY);
  }

  /**
   * Consumes one read; true once the response is complete. Bytes after its end (the router never
   * pipelines) mean the connection is in an unknown state: it is not reused.
   * @throws ResponseError
   */
  feed(chunk: Buffer): boolean {
    let at = 0;
    if (this.state === 'head') {
      at = this.readHead(chunk);
      if (at < 0) return false;
    }
    const n = chunk.length;
    while (at < n) {
      const state = this.state;
      if (state === 'length' || state === 'data') {
        const take = Math.min(this.remaining, n - at);
        // The whole read is body (the common case of a body in its own read): keep it, no copy.
        this.add(at === 0 && take === n ? chunk : chunk.subarray(at, at + take));
        at += take;
        if ((this.remaining -= take) === 0) this.state = state === 'length' ? 'done' : 'data-cr';
      } else if (state === 'eof') {
        this.add(at === 0 ? chunk : chunk.subarray(at));
        at = n;
      } else if (state === 'done') {
        this.keepAlive = false;
        break;
      } else {
        at = this.framing(chunk, at);
      }
    }
    return this.state === 'done';
  }

  /** The server closed the connection: true when that completes the response (a body read until EOF). */
  finish(): boolean {
    if (this.state === 'eof') this.state = 'done';
    return this.state === 'done';
  }

  /** Finds the end of the (final) header section; returns the offset in `chunk` after it, -1 for more. */
  private readHead(chunk: Buffer): number {
    let buf = chunk;
    let base = 0; // where `chunk` starts in `buf`
    let from = 0;
    const stored = this.pending !== undefined;
    if (stored) {
      base = this.pendingLength;
      buf = this.append(chunk);
      from = Math.max(0, base - 3); // CRLFCRLF may straddle the reads
    }
    let start = 0;
    for (;;) {
      const end = buf.indexOf(CRLFCRLF, from);
      if (end < 0 || end - start > MAX_HEAD_BYTES) {
        if (buf.length - start > MAX_HEAD_BYTES) throw new ResponseError(false, `header section over ${MAX_HEAD_BYTES} bytes`);
        if (!stored || start > 0) this.keep(buf.subarray(start));
        return -1;
      }
      const final = this.onHead(buf.toString('latin1', start, end));
      start = from = end + 4;
      if (final) {
        this.pending = undefined;
        // Everything before `base` was searched already without a CRLFCRLF, so `start` > `base`.
        return start - base;
      }
    }
  }

  /** Parses a header section and sets up the body's framing (RFC 9112 §6.3, in its order); false for an interim 1xx response, which is dropped. */
  private onHead(s: string): boolean {
    const h = this.head;
    parseHead(s, h);
    const status = h.status;
    // 100 Continue, 103 Early Hints: the final response follows. 101 would switch protocols,
    // which the router never asks for.
    if (status === 101) throw new ResponseError(false, 'unexpected 101 Switching Protocols');
    if (status < 200) return false;
    // RFC 9112 §9.3: HTTP/1.1 persists unless `close`; HTTP/1.0 only with `keep-alive`.
    let keep = h.minor === 1 ? !hasToken(h.connection, 'close') : hasToken(h.connection, 'keep-alive');
    const te = h.transferEncoding;
    const length = h.contentLength;
    if (this.noBody || status === 204 || status === 304) this.state = 'done';
    else if (te !== undefined) {
      // Both is a response-splitting smell (§6.3 item 3); node:http's parser rejects it too.
      if (length >= 0) throw new ResponseError(false, 'both transfer-encoding and content-length');
      const codings = te.toLowerCase();
      if (codings.slice(codings.lastIndexOf(',') + 1).trim() === 'chunked') {
        this.state = 'size';
        this.remaining = this.line = 0;
      } else this.state = 'eof';
      if (h.minor === 0) keep = false; // §6.1: Transfer-Encoding in HTTP/1.0 is suspect; close after it
    } else if (length >= 0) {
      if (length > this.limit) throw new ResponseError(true, `its content-length is ${length}`);
      this.state = length === 0 ? 'done' : 'length';
      this.remaining = length;
    } else this.state = 'eof';
    this.keepAlive = keep && this.state !== 'eof';
    return true;
  }

  /** Steps through chunk framing byte by byte until chunk data, the end, or the end of the read. */
  private framing(c: Buffer, at: number): number {
    for (const n = c.length; at < n; at++) {
      const b = c[at]!;
      switch (this.state) {
        case 'size': {
          const h = hex(b);
          if (h >= 0) {
            this.remaining = this.remaining * 16 + h;
            // Checked per digit: a declared size over the limit fails before any of its data arrives.
            if (this.size + this.remaining > this.limit) throw new ResponseError(true, 'in chunks');
          } else if (this.line === 0) throw new ResponseError(false, 'bad chunk size');
          else if (b === 13) this.state = 'size-lf';
          else if (b === 59 || isOws(b)) this.state = 'ext';
          else throw new ResponseError(false, 'bad chunk size');
          if (++this.line > MAX_LINE_BYTES) throw new ResponseError(false, 'chunk-size line too long');
          break;
        }
        case 'ext':
          if (b === 13) this.state = 'size-lf';
          else if (b === 10 || ++this.line > MAX_LINE_BYTES) throw new ResponseError(false, 'bad chunk extension');
          break;
        case 'size-lf':
          if (b !== 10) throw new ResponseError(false, 'bad chunk size');
          this.line = 0;
          if (this.remaining > 0) {
            this.state = 'data';
            return at + 1;
          }
          this.state = 'trailer';
          break;
        case 'data-cr':
          if (b !== 13) throw new ResponseError(false, 'chunk data longer than its size');
          this.state = 'data-lf';
          break;
        case 'data-lf':
          if (b !== 10) throw new ResponseError(false, 'chunk data longer than its size');
          this.state = 'size';
          this.remaining = 0;
          break;
        case 'trailer':
          // `remaining` (0 after the last chunk) counts the whole trailer section, bounded like a head.
          if (b === 13) this.state = 'trailer-lf';
          else {
            this.line++;
            if (++this.remaining > MAX_HEAD_BYTES) throw new ResponseError(false, 'trailer section too long');
          }
          break;
        default: // 'trailer-lf'
          if (b !== 10) throw new ResponseError(false, 'bad trailer line');
          if (this.line === 0) {
            this.state = 'done';
            return at + 1;
          }
          this.line = 0;
          this.state = 'trailer';
      }
    }
    return at;
  }

  private add(b: Buffer): void {
    if ((this.size += b.length) > this.limit) throw new ResponseError(true, 'in its body');
    if (this.first === undefined) this.first = b;
    else (this.more ??= [this.first]).push(b);
  }

  /** Appends a read to the pending head bytes; returns them all. */
  private append(chunk: Buffer): Buffer {
    const need = this.pendingLength + chunk.length;
    let p = this.pending!;
    if (need > p.length) {
      // Doubling keeps a head that arrives byte by byte linear, not quadratic, in copies.
      const grown = Buffer.allocUnsafe(Math.max(need, p.length * 2));
      p.copy(grown, 0, 0, this.pendingLength);
      this.pending = p = grown;
    }
    chunk.copy(p, this.pendingLength);
    this.pendingLength = need;
    return p.subarray(0, need);
  }

  /** Keeps an incomplete head's bytes, copied into a buffer with room to grow. */
  private keep(bytes: Buffer): void {
    const p = Buffer.allocUnsafe(Math.max(256, bytes.length * 2));
    bytes.copy(p);
    this.pending = p;
    this.pendingLength = bytes.length;
  }
}

function hex(b: number): number {
  return b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1;
}
