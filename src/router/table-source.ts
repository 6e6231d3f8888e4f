// Where a router gets its routing table: a watch on the control plane (Server-Sent Events), the
// last table kept in memory and on disk. When the control plane goes away the router keeps
// serving that table and reconnects with backoff; a restarted router starts from the file.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { messageOf } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { EMPTY_ROUTING_TABLE, type RoutingTable } from '../core/routing-table.js';
import { readSse } from '../core/sse.js';

export interface TableSourceOptions {
  apiUrl: string;
  token: string;
  /** Where the last table is kept across router restarts; undefined: memory only. */
  stateFile?: string;
  logger: Logger;
  /** Reconnect backoff: starts here, doubles, capped at maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Announced on the watch so the control plane can read this router's traffic counts. */
  announce?: { url: string; edge: string };
}

export class RoutingTableSource {
  private table: RoutingTable = EMPTY_ROUTING_TABLE;
  private readonly listeners = new Set<(t: RoutingTable) => void>();
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** True while the watch is connected: for the router's own health and metrics. */
  connected = false;

  constructor(private readonly o: TableSourceOptions) {
    if (o.stateFile !== undefined && existsSync(o.stateFile)) {
      try {
        this.table = JSON.parse(readFileSync(o.stateFile, 'utf8')) as RoutingTable;
        o.logger.log('info', 'router.table_loaded', { revision: this.table.revision, from: o.stateFile });
      } catch (e) {
        o.logger.log('warn', 'router.table_unreadable', { file: o.stateFile, error: messageOf(e) });
      }
    }
  }

  current(): RoutingTable {
    return this.table;
  }

  onChange(fn: (t: RoutingTable) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.loop = this.watch();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  /** Resolves once a table with at least this revision is here (tests, start-up). */
  async waitForRevision(revision: number, timeoutMs: number): Promise<RoutingTable> {
    const deadline = Date.now() + timeoutMs;
    while (this.table.revision < revision) {
      if (Date.now() > deadline) throw new Error(`no routing table with revision ≥ ${revision} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.table;
  }

  private accept(t: RoutingTable): void {
    if (t.revision <= this.table.revision) return;
    this.table = t;
    if (this.o.stateFile !== undefined) {
      mkdirSync(dirname(this.o.stateFile), { recursive: true });
      const tmp = `${this.o.stateFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(t));
      renameSync(tmp, this.o.stateFile);
    }
    for (const l of this.listeners) l(t);
  }

  private async watch(): Promise<void> {
    let backoff = this.o.minBackoffMs;
    while (!this.abort.signal.aborted) {
      try {
        const q = this.o.announce === undefined ? '' : `?${new URLSearchParams({ router: this.o.announce.url, edge: this.o.announce.edge }).toString()}`;
        const r = await fetch(`${this.o.apiUrl}/api/v1/routing-table/stream${q}`, { headers: { authorization: `Bearer ${this.o.token}` }, signal: this.abort.signal });
        if (r.status !== 200 || r.body === null) throw new Error(`control plane answered ${r.status} to the routing-table watch`);
        this.connected = true;
        backoff = this.o.minBackoffMs;
        this.o.logger.log('info', 'router.watch_connected', { apiUrl: this.o.apiUrl });
        for await (const m of readSse(r.body)) {
          if (m.event === 'routing-table') this.accept(JSON.parse(m.data) as RoutingTable);
        }
        throw new Error('the control plane closed the routing-table watch');
      } catch (e) {
        if (this.abort.signal.aborted) break;
        if (this.connected) this.o.logger.log('warn', 'router.watch_lost', { error: messageOf(e), keeping: this.table.revision });
        this.connected = false;
        await new Promise((res) => setTimeout(res, backoff));
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      }
    }
    this.connected = false;
  }
}
