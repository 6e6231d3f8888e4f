// The router's write batching (src/router/engine/http1-write.ts) on real loopback sockets:
// messages queued in one turn of the event loop go out at its end, each socket's bytes in the
// order they were queued, an end after them; a direct write flushes the queue first; a socket
// destroyed meanwhile gets nothing and breaks nothing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { COPY_BODY_BYTES, endAfterWrites, flushWrites, writeMessage } from '../../../src/router/engine/http1-write.js';

interface Peer {
  client: Socket;
  /** Everything the server side received, once the client ended. */
  received: Promise<Buffer>;
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function peer(): Promise<Peer> {
  let resolveReceived!: (b: Buffer) => void;
  const received = new Promise<Buffer>((r) => (resolveReceived = r));
  const server = createServer((s) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => {
      resolveReceived(Buffer.concat(parts));
      s.end();
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(client, 'connect');
  return { client, received };
}

describe('router write batching', () => {
  it('sends nothing until the end of the turn, then every message in order, the end last', async () => {
    const a = await peer();
    const b = await peer();
    const before = a.client.bytesWritten;
    writeMessage(a.client, 'A1 ', Buffer.from('one;'), 4);
    writeMessage(b.client, 'B1 ', 'uno;', 4);
    writeMessage(a.client, 'A2 ', undefined, 0);
    writeMessage(a.client, 'A3 ', 'três;', Buffer.byteLength('três;'));
    endAfterWrites(a.client, 'bye');
    endAfterWrites(b.client);
    assert.equal(a.client.bytesWritten, before, 'nothing written within the turn');
    assert.equal((await a.received).toString(), 'A1 one;A2 A3 três;bye');
    assert.equal((await b.received).toString(), 'B1 uno;');
  });

  it('a large body is written at once, behind what was queued for the socket before it', async () => {
    const a = await peer();
    const big = Buffer.alloc(COPY_BODY_BYTES + 1, 0x78);
    writeMessage(a.client, 'small ', 'body;', 5);
    writeMessage(a.client, 'big ', big, big.length);
    assert.ok(a.client.bytesWritten > 0 || a.client.writableLength > 0, 'the large message went to the socket in this turn');
    endAfterWrites(a.client);
    const got = await a.received;
    assert.equal(got.subarray(0, 15).toString(), 'small body;big ');
    assert.equal(got.length, 15 + big.length);
  });

  it('flushWrites() writes the queue now: a direct write after it comes behind', async () => {
    const a = await peer();
    writeMessage(a.client, 'queued;', undefined, 0);
    flushWrites();
    a.client.write('direct;');
    endAfterWrites(a.client);
    assert.equal((await a.received).toString(), 'queued;direct;');
  });

  it('a socket destroyed before the end of the turn gets nothing; the others are written', async () => {
    const gone = await peer();
    const kept = await peer();
    writeMessage(gone.client, 'lost;', undefined, 0);
    writeMessage(kept.client, 'kept;', undefined, 0);
    gone.client.destroy();
    endAfterWrites(kept.client);
    assert.equal((await kept.received).toString(), 'kept;');
    assert.equal(gone.client.bytesWritten, 0);
  });
});
