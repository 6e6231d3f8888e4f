// One HTTP/1.1 message onto a socket: a latin1 head and its body in one write. Both directions of
// the router use it — requests to model servers (http1-connection.ts) and answers to clients
// (front/) — because a second write per message is a second syscall and, with Nagle off, a
// second TCP segment.

/** Bodies up to this size are copied behind the head (one buffer, one write); larger ones go out corked behind it, uncopied. */
export const COPY_BODY_BYTES = 16 * 1024;

/** What this needs of a socket (node:net's Socket). */
interface Writable {
  write(data: string | Buffer, encoding?: BufferEncoding): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * Writes `head` (latin1) and `body`; a string body is encoded as UTF-8 straight into the buffer.
 * `length` is the body's byte length when it has one. Returns write()'s verdict: false when the socket's buffer is full.
 */
export function writeMessage(s: Writable, head: string, body: Buffer | string | undefined, length: number): boolean {
  // An empty body (a HEAD answer's, whatever its content-length says) means the head alone.
  if (body === undefined || body.length === 0) return s.write(head, 'latin1');
  if (length <= COPY_BODY_BYTES) {
    const b = Buffer.allocUnsafe(head.length + length);
    b.write(head, 0, 'latin1');
    if (typeof body === 'string') b.write(body, head.length, 'utf8');
    else body.copy(b, head.length);
    return s.write(b);
  }
  s.cork();
  s.write(head, 'latin1');
  const flushed = s.write(body);
  s.uncork();
  return flushed;
}
