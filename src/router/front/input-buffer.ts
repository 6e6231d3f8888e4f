// The bytes a client connection has received and the front not yet consumed. The common case, a
// whole request in one read, costs nothing: the read itself is kept, uncopied. Only bytes that
// wait for more (a split head or body, a pipelined request) are copied, into a buffer that grows
// by doubling, so a head arriving byte by byte costs linear copying, not quadratic.
const EMPTY = Buffer.alloc(0);

export class InputBuffer {
  private buf: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** `buf` is ours to write into past `end` (not a read the socket handed us). */
  private owned = false;

  get length(): number {
    return this.end - this.start;
  }

  /** The unconsumed bytes (a view: valid until the next append or consume). */
  view(): Buffer {
    return this.start === 0 && this.end === this.buf.length ? this.buf : this.buf.subarray(this.start, this.end);
  }

  append(chunk: Buffer): void {
    if (this.end === this.start) {
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    this.reserve(this.length + chunk.length);
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** Makes room for `total` unconsumed bytes in all, so that a body of known length is gathered in one allocation. */
  reserve(total: number): void {
    if (this.owned && this.start + total <= this.buf.length) return;
    // Bytes before `start` may still be in use (a body handed out by take()): never overwritten, a new buffer instead.
    const b = Buffer.allocUnsafe(Math.max(total, this.length * 2, 256));
    this.buf.copy(b, 0, this.start, this.end);
    this.end = this.length;
    this.start = 0;
    this.buf = b;
    this.owned = true;
  }

  /** The next `n` bytes, consumed (a view, not a copy). */
  take(n: number): Buffer {
    const b = this.buf.subarray(this.start, this.start + n);
    this.consume(n);
    return b;
  }

  consume(n: number): void {
    this.start += n;
    if (this.start === this.end) this.clear();
  }

  clear(): void {
    this.buf = EMPTY;
    this.start = this.end = 0;
    this.owned = false;
  }
}
