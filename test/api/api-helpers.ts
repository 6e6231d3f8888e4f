// Starts the real API server on port 0 over the fake control plane, and reads its event stream
// with a raw http.get, parsing the SSE frames by hand (no client code under test involved).
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer, type ApiServerOptions } from '../../src/api/server.js';
import { FakeControlPlane, TOKENS } from './fake-control-plane.js';

export interface Running {
  url: string;
  fake: FakeControlPlane;
  server: Server;
  close(): Promise<void>;
}

export async function startApi(opts: ApiServerOptions = {}, fake = new FakeControlPlane()): Promise<Running> {
  const server = createApiServer(fake, opts);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fake,
    server,
    async close() {
      fake.dispose();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export const auth = (role: keyof typeof TOKENS): Record<string, string> => ({ authorization: `Bearer ${TOKENS[role]}` });

export interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** An open event stream: frames as they arrive. */
export interface RawStream {
  res: IncomingMessage;
  frames: Frame[];
  /** Resolves once `n` frames with an id have arrived. */
  waitForEvents(n: number, timeoutMs?: number): Promise<Frame[]>;
  close(): void;
}

export function openStream(url: string, headers: Record<string, string>): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, (res) => {
      const frames: Frame[] = [];
      let buf = '';
      const waiters: (() => void)[] = [];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: Frame = {};
          for (const line of block.split('\n')) {
            const [k, ...rest] = line.split(':');
            const v = rest.join(':').replace(/^ /, '');
            if (k === '') f.comment = v;
            else if (k === 'id' || k === 'event' || k === 'data') f[k] = v;
          }
          frames.push(f);
        }
        waiters.forEach((w) => w());
      });
      const events = (): Frame[] => frames.filter((f) => f.id !== undefined);
      resolve({
        res,
        frames,
        waitForEvents(n, timeoutMs = 5000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`only ${events().length} of ${n} events arrived: ${JSON.stringify(frames)}`)), timeoutMs);
            const check = (): void => {
              if (events().length < n) return;
              clearTimeout(timer);
              ok(events());
            };
            waiters.push(check);
            check();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}
