// A raw-socket HTTP/1.1 client for the front tests: it writes bytes exactly as given (split,
// pipelined, malformed) and reads responses back from the bytes, so that what the front does
// on the wire is what the tests see.
import type { AddressInfo, Server } from 'node:net';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

export class RawClient {
  readonly socket: Socket;
  /** Resolves once the server closed the connection (or it broke). */
  readonly closed: Promise<void>;
  private data = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (c: Buffer) => {
      this.data = Buffer.concat([this.data, c]);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => {
      this.socket.on('close', () => {
        this.ended = true;
        this.wake?.();
        resolve();
      });
    });
    this.socket.on('error', () => {});
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Writes `bytes` one byte per write, yielding to the event loop between them. */
  async trickle(bytes: string | Buffer): Promise<void> {
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    for (let i = 0; i < b.length; i++) {
      this.socket.write(b.subarray(i, i + 1));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** The next response; `head` for the answer to a HEAD request (no body whatever its content-length). */
  async response(head = false, timeoutMs = 5000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.parse(head);
      if (r !== undefined) return r;
      if (this.ended) throw new Error(`connection closed; unparsed bytes: ${JSON.stringify(this.data.toString('latin1'))}`);
      if (Date.now() > deadline) throw new Error(`no complete response within ${timeoutMs} ms; have: ${JSON.stringify(this.data.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Bytes received and not yet parsed as a response. */
  get pending(): string {
    return this.data.toString('latin1');
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(head: boolean): RawResponse | undefined {
    const end = this.data.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = this.data.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    const length = head || status < 200 ? 0 : Number(headers['content-length'] ?? 0);
    if (this.data.length < end + 4 + length) return undefined;
    const body = this.data.subarray(end + 4, end + 4 + length);
    this.data = this.data.subarray(end + 4 + length);
    return { status, headers, body };
  }
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** A request's bytes: `METHOD path HTTP/1.1`, Host, the given header lines, content-length for a body. */
export function req(method: string, path: string, body?: string, lines: string[] = [], version = '1.1'): string {
  const extra = lines.map((l) => `${l}\r\n`).join('');
  const length = body !== undefined ? `content-length: ${Buffer.byteLength(body)}\r\n` : '';
  return `${method} ${path} HTTP/${version}\r\nhost: test\r\n${extra}${length}\r\n${body ?? ''}`;
}
