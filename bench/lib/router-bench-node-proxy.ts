// bench:router's reference floor: the least a Node proxy built like the router must do per
// request — node:http server, read the body into a Buffer, one http.request over a keep-alive
// Agent to the backend with the fewest requests in flight, buffer the answer, write it back. No
// routing table, health, retries, hedging, timeouts, metrics or samples. What the router costs
// above this is the cost of its features; what this costs above HAProxy is the cost of node:http.
//
// Run as a child process: `node router-bench-node-proxy.js PORT BACKEND_PORT...` (PORT 0 picks a
// free one); prints {"event":"proxy.ready","port":N} on stdout, exits on SIGTERM.
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function forwardable(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function main(): void {
  const [portArg = '0', ...backendArgs] = process.argv.slice(2);
  const backends = backendArgs.map(Number);
  if (backends.length === 0) throw new Error('usage: router-bench-node-proxy.js PORT BACKEND_PORT...');
  const inFlight = backends.map(() => 0);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      let i = 0;
      for (let j = 1; j < backends.length; j++) if (inFlight[j]! < inFlight[i]!) i = j;
      inFlight[i]!++;
      const up = request({ agent, host: '127.0.0.1', port: backends[i], method: req.method, path: req.url, headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'content-length': String(body.length) } }, (ur) => {
        const out: Buffer[] = [];
        ur.on('data', (c: Buffer) => out.push(c));
        ur.once('end', () => {
          inFlight[i]!--;
          const b = Buffer.concat(out);
          res.writeHead(ur.statusCode ?? 502, { ...forwardable(ur.headers), 'content-length': String(b.length) });
          res.end(b);
        });
      });
      up.once('error', (e) => {
        inFlight[i]!--;
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: e.message }));
      });
      up.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(Number(portArg), '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`${JSON.stringify({ event: 'proxy.ready', port: typeof a === 'object' && a !== null ? a.port : 0, pid: process.pid })}\n`);
  });
  const stop = (): void => {
    server.close();
    agent.destroy();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
