// HTTP helpers shared by every server we run (model server, router, control plane): bounded body
// reads and JSON replies. Errors become responses in each server's single error handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MeridianError } from './errors.js';

/**
 * Reads the request body, refusing more than `limit` bytes with PAYLOAD_TOO_LARGE as soon as the
 * declared Content-Length or the bytes received pass it, so a huge body is never buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): MeridianError => bodyTooLarge(limit);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** The PAYLOAD_TOO_LARGE error for a body over `limit` bytes (servers that read bodies themselves answer it too). */
export function bodyTooLarge(limit: number): MeridianError {
  return new MeridianError('PAYLOAD_TOO_LARGE', `request body is larger than the ${limit}-byte limit; send fewer rows per request or raise the server's --max-body-bytes`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
