// W3C Trace Context (https://www.w3.org/TR/trace-context/) `traceparent`:
// "00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>". The router starts a trace (or continues
// the client's), every process passes the trace id on with a span id of its own, echoes it in its
// response and writes it in its log lines — so one request can be followed across processes.
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time: a router makes ids for every request, and one syscall per id adds up. */
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

export interface TraceContext {
  traceId: string;
  /** This hop's span id (the parent-id the next hop receives). */
  spanId: string;
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The context a `traceparent` header carries; undefined when absent or malformed (then a new trace starts). */
export function parseTraceparent(header: string | string[] | undefined): TraceContext | undefined {
  if (typeof header !== 'string') return undefined;
  const m = TRACEPARENT.exec(header.trim().toLowerCase());
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  // Version ff is invalid; all-zero ids are invalid (spec §3.2.2.3, §3.2.2.4). Version 00 has exactly four fields.
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  if (version === '00' && header.trim().length !== 55) return undefined;
  return { traceId, spanId, flags };
}

/** A span of this process inside `parent`'s trace, or the first span of a new, sampled trace. */
export function childSpan(parent: TraceContext | undefined): TraceContext {
  let spanId = randomHex(8);
  while (spanId === '0000000000000000') spanId = randomHex(8);
  if (parent !== undefined) return { traceId: parent.traceId, spanId, flags: parent.flags };
  let traceId = randomHex(16);
  while (/^0+$/.test(traceId)) traceId = randomHex(16);
  return { traceId, spanId, flags: '01' };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}
