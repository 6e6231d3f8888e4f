// `GET /api/v1/events/stream`: the event log as Server-Sent Events (WHATWG HTML §9.2). Replays the
// log after a point, then goes live, with neither gaps nor duplicates: it subscribes BEFORE it
// reads the replay, holds live events back until the replay is written, and writes each event
// only if its id is above the last one written (ids are the log's, strictly increasing).
import type { EventRecord } from '../core/domain.js';
import type { EventQuery } from '../rollout/service.js';
import type { RequestContext } from './router.js';

/** The SSE frame of one event: `id` lets a reconnecting client resume with Last-Event-ID. */
export function sseFrame(e: EventRecord): string {
  // JSON.stringify never emits a raw newline, so the data fits one `data:` line.
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`;
}

function matches(q: EventQuery, e: EventRecord): boolean {
  return (q.model === undefined || e.model === q.model) && (q.region === undefined || e.region === q.region) && (q.rolloutId === undefined || e.rolloutId === q.rolloutId);
}

/**
 * Where to resume: a reconnecting EventSource repeats the original URL and adds Last-Event-ID,
 * so the header wins over `after`. Neither means the whole log (filtered).
 */
function startAfter(c: RequestContext, q: EventQuery): number {
  const header = c.req.headers['last-event-id'];
  if (typeof header === 'string' && /^\d+$/.test(header.trim())) return Number(header.trim());
  return q.afterId ?? 0;
}

/** Streams events matching `q` until the client goes away or the server closes the connection. */
export async function streamEvents(c: RequestContext, q: EventQuery): Promise<void> {
  const { res, service, options } = c;
  let lastId = startAfter(c, q);
  let held: EventRecord[] | null = [];
  let closed = false;

  const write = (e: EventRecord): void => {
    if (closed || e.id <= lastId) return;
    lastId = e.id;
    res.write(sseFrame(e));
    // A client that stopped reading would make us buffer without bound; it can resume later.
    if (res.writableLength > options.maxStreamBufferBytes) res.destroy();
  };
  const unsubscribe = service.subscribe((e) => {
    if (!matches(q, e)) return;
    if (held !== null) held.push(e);
    else write(e);
  });
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), options.keepaliveMs);
  const stop = (): void => {
    closed = true;
    clearInterval(keepalive);
    unsubscribe();
  };
  // The response closes when the client disconnects (or the server drops it): stop feeding it.
  res.once('close', stop);

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // nginx buffers proxied responses unless told not to; events would arrive in bursts.
    'x-accel-buffering': 'no',
  });
  // Sends the headers now, so clients know the stream is open before the first event.
  res.write(': stream open\n\n');

  try {
    for (;;) {
      const page = await service.events({ ...q, afterId: lastId, limit: options.replayPageSize });
      for (const e of page) write(e);
      if (closed || page.length < options.replayPageSize) break;
    }
  } catch (e) {
    stop();
    throw e; // headers are sent: the error handler can only drop the connection
  }
  const pending = held.sort((a, b) => a.id - b.id);
  held = null;
  for (const e of pending) write(e);
}
