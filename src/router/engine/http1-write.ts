// HTTP/1.1 messages onto sockets, for both directions of the router: requests to model servers
// (http1-connection.ts) and answers to clients (front/).
//
// One write per message: a latin1 head and its body go out in one buffer, because a second
// write is a second syscall and, with Nagle off, a second TCP segment.
//
// One burst per turn of the event loop: messages written while the router handles a batch of
// socket events are queued and written back to back when the batch is done (setImmediate runs
// right after the poll phase). A write on loopback wakes the process reading the other end; a
// process that is asleep costs a wakeup, in a VM an inter-processor interrupt of several µs.
// Written one by one, spread over the batch, most writes found their reader (wrk, a model
// server) asleep again; back to back, the first wakes it and the others find it awake. Paired
// runs at saturation: kernel time 15.4 → 13.5 µs per request, −5 % of the router's CPU
// (BENCHMARKS.md bench:router, run 7).
// The delay is the rest of the batch being handled: nothing when the router is idle, a few
// hundred µs at saturation. Everything else that writes to or ends a socket goes through here
// too (endAfterWrites), or calls flushWrites() first, so each socket's bytes stay in order.

/** Bodies up to this size are copied behind the head (one buffer, one write); larger ones go out corked behind it, uncopied. */
export const COPY_BODY_BYTES = 16 * 1024;

/** What this needs of a socket (node:net's Socket). */
export interface Writable {
  write(data: string | Buffer, encoding?: BufferEncoding): boolean;
  end(): unknown;
  cork(): void;
  uncork(): void;
  readonly destroyed: boolean;
  /** The socket's buffer is over its high-water mark: write() returned false and 'drain' is to come. */
  readonly writableNeedDrain: boolean;
}

/** What to do with a queued socket: write these bytes (a string is latin1), or end it (null). */
type Op = Buffer | string | null;

/** Queued this turn: socket, op, socket, op, … (flat: no object per message). */
let queue: (Writable | Op)[] = [];
let scheduled = false;

function enqueue(s: Writable, op: Op): void {
  queue.push(s, op);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushWrites);
  }
}

/** Writes everything queued, in order. Called at the end of the turn, and by anything about to write to a socket directly. */
export function flushWrites(): void {
  scheduled = false;
  const q = queue;
  if (q.length === 0) return;
  queue = [];
  for (let i = 0; i < q.length; i += 2) {
    const s = q[i] as Writable;
    // A socket destroyed meanwhile (an abandoned attempt, a client that left) gets nothing.
    if (s.destroyed) continue;
    const op = q[i + 1] as Op;
    if (op === null) s.end();
    else if (typeof op === 'string') s.write(op, 'latin1');
    else s.write(op);
  }
}

/**
 * Queues `head` (latin1) and `body` as one write; a string body is encoded as UTF-8 straight into
 * the buffer. `length` is the body's byte length when it has one. Returns false when the socket's
 * buffer was already full (wait for 'drain' before writing more).
 */
export function writeMessage(s: Writable, head: string, body: Buffer | string | undefined, length: number): boolean {
  const room = !s.writableNeedDrain;
  // An empty body (a HEAD answer's, whatever its content-length says) means the head alone.
  if (body === undefined || body.length === 0) {
    enqueue(s, head);
    return room;
  }
  if (length <= COPY_BODY_BYTES) {
    const b = Buffer.allocUnsafe(head.length + length);
    b.write(head, 0, 'latin1');
    if (typeof body === 'string') b.write(body, head.length, 'utf8');
    else body.copy(b, head.length);
    enqueue(s, b);
    return room;
  }
  // A large body is rare: written now, behind whatever was queued before it.
  flushWrites();
  s.cork();
  s.write(head, 'latin1');
  const flushed = s.write(body);
  s.uncork();
  return flushed;
}

/** Ends the socket after everything queued for it, with `last` (latin1) as its final bytes. */
export function endAfterWrites(s: Writable, last?: string): void {
  if (last !== undefined) enqueue(s, last);
  enqueue(s, null);
}
