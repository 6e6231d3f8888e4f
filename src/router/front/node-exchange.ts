// node:http requests (the front's fallback: chunked bodies, Expect, Upgrade, odd syntax) adapted
// to the exchange the router's handler takes, so they are answered exactly like raw ones.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { readBody } from '../../core/http.js';
import { GoneSignal, type FrontHandler, type FrontHeaders, type FrontRequest, type FrontResponse } from './exchange.js';

class NodeExchange extends GoneSignal implements FrontRequest, FrontResponse {
  readonly method: string;
  readonly url: string;
  readonly headers: FrontHeaders;
  body: Buffer | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    super();
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.headers = req.headers;
    // 'close' comes after the response is finished too; only a close before that is a client gone.
    res.once('close', () => {
      if (!res.writableFinished) this.abort();
    });
  }

  get gone(): GoneSignal {
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.req.socket.remoteAddress;
  }

  get sent(): boolean {
    return this.res.headersSent;
  }

  send(status: number, headers: Record<string, string>, body: Buffer | string): void {
    const res = this.res;
    // setHeader merges into writeHead's headers: the caller's object is left as it was.
    res.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    res.writeHead(status, headers);
    res.end(body);
  }

  destroy(): void {
    this.res.destroy();
  }
}

/** node:http's request listener for `handler`: a POST's body is read whole first (refused over `maxBodyBytes`), as the raw front does. */
export function nodeListener(handler: FrontHandler, maxBodyBytes: number): RequestListener {
  return (req, res) => {
    const ex = new NodeExchange(req, res);
    if (ex.method !== 'POST') return handler.handle(ex, ex);
    readBody(req, maxBodyBytes).then(
      (body) => {
        ex.body = body;
        handler.handle(ex, ex);
      },
      (e: unknown) => handler.fail(ex, e),
    );
  };
}
