// bench:router's trivial backend: answers every request with a fixed Open Inference Protocol
// response (the bytes a real iris server sends for one row), so that a run measures the proxies
// and not inference. It speaks just enough HTTP/1.1 over a raw socket (request line + headers,
// Content-Length bodies, keep-alive, pipelining) to stay far cheaper per request than node:http,
// so that the load generator and two of these on one core can outrun a proxy on the other core.
//
// Run as a child process: `node router-bench-backend.js PORT NAME` (PORT 0 picks a free one); it
// prints one JSON line {"event":"backend.ready","port":N} on stdout and exits on SIGTERM.
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** What a real `meridian serve` of iris-v2 answers to one row (captured from one). */
export const FIXED_INFER_BODY = JSON.stringify({
  model_name: 'iris',
  model_version: 'v2',
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: [0.99999917, 8.902203e-7, 2.8431555e-9] },
    { name: 'label', datatype: 'INT64', shape: [1], data: [0] },
  ],
});

function response(status: string, body: string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${b.length}\r\nconnection: keep-alive\r\n\r\n`), b]);
}

const INFER = response('200 OK', FIXED_INFER_BODY);
const READY = response('200 OK', JSON.stringify({ name: 'iris', ready: true }));
const BAD = response('400 Bad Request', JSON.stringify({ error: 'malformed request' }));
const HEADER_END = Buffer.from('\r\n\r\n');
/** Requests whose headers exceed this are refused (nothing we send comes close). */
const MAX_HEADER_BYTES = 16 * 1024;

/** Serves one connection: parse as many complete requests as the buffer holds, answer each once its body is in. */
function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  /** Body bytes of the current request still to read, and its answer (sent once they are in). */
  let skip = 0;
  let answer: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      if (answer !== undefined) {
        const n = Math.min(skip, buf.length);
        skip -= n;
        buf = buf.subarray(n);
        if (skip > 0) break;
        out.push(answer);
        answer = undefined;
      }
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length > MAX_HEADER_BYTES) {
          socket.end(BAD);
          return;
        }
        break;
      }
      const head = buf.toString('latin1', 0, end);
      buf = buf.subarray(end + 4);
      const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
      skip = m === null ? 0 : Number(m[1]);
      answer = head.startsWith('GET ') ? READY : INFER;
    }
    if (out.length === 1) socket.write(out[0]!);
    else if (out.length > 1) socket.write(Buffer.concat(out));
  });
  socket.on('error', () => socket.destroy());
}

export function createTrivialBackend(): Server {
  return createServer({ noDelay: true }, serve);
}

function main(): void {
  const port = Number(process.argv[2] ?? '0');
  const server = createTrivialBackend();
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    process.stdout.write(`${JSON.stringify({ event: 'backend.ready', port: actual, pid: process.pid, name: process.argv[3] ?? 'trivial' })}\n`);
  });
  const stop = (): void => {
    server.close();
    // Keep-alive connections from a proxy would keep the server open: the bench is done with them.
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
