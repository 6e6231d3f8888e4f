// The append-only event log: every state change is also an event (who, what, when, why), written
// in the same transaction as the change. In-process subscribers (SSE for `meridian events -f`, the
// dashboard) hear about events after they commit.
import { EventEmitter } from 'node:events';
import type { Kysely, Transaction } from 'kysely';
import type { EventRecord } from '../core/domain.js';
import type { Database } from './schema.js';

export interface NewEvent {
  actor: string;
  kind: string;
  message: string;
  model?: string | null;
  region?: string | null;
  rolloutId?: number | null;
  data?: Record<string, unknown> | null;
}

type Db = Kysely<Database> | Transaction<Database>;

export class EventLog {
  private readonly emitter = new EventEmitter();
  private pending: EventRecord[] = [];

  constructor(private readonly db: Kysely<Database>) {
    this.emitter.setMaxListeners(0);
  }

  /** Appends inside the caller's transaction; call {@link flush} after it commits. */
  async append(trx: Db, e: NewEvent): Promise<EventRecord> {
    const time = new Date().toISOString();
    const row = await trx
      .insertInto('events')
      .values({ time, actor: e.actor, kind: e.kind, model: e.model ?? null, region: e.region ?? null, rollout_id: e.rolloutId ?? null, message: e.message, data: e.data == null ? null : JSON.stringify(e.data) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rec: EventRecord = { id: row.id, time, actor: e.actor, kind: e.kind, model: e.model ?? null, region: e.region ?? null, rolloutId: e.rolloutId ?? null, message: e.message, data: e.data ?? null };
    this.pending.push(rec);
    return rec;
  }

  /** Records an event that is not part of another change (e.g. a health transition). */
  async record(e: NewEvent): Promise<EventRecord> {
    const rec = await this.db.transaction().execute((trx) => this.append(trx, e));
    this.flush();
    return rec;
  }

  /** Publishes events appended by committed transactions to subscribers. */
  flush(): void {
    const out = this.pending;
    this.pending = [];
    for (const e of out) this.emitter.emit('event', e);
  }

  /** Drops events of a transaction that rolled back. */
  discard(): void {
    this.pending = [];
  }

  subscribe(fn: (e: EventRecord) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  async list(q: { afterId?: number; model?: string; region?: string; rolloutId?: number; limit?: number } = {}): Promise<EventRecord[]> {
    let query = this.db.selectFrom('events').selectAll().orderBy('id', 'asc');
    if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
    if (q.model !== undefined) query = query.where('model', '=', q.model);
    if (q.region !== undefined) query = query.where('region', '=', q.region);
    if (q.rolloutId !== undefined) query = query.where('rollout_id', '=', q.rolloutId);
    const rows = await query.limit(q.limit ?? 1000).execute();
    return rows.map((r) => ({ id: r.id, time: r.time, actor: r.actor, kind: r.kind, model: r.model, region: r.region, rolloutId: r.rollout_id, message: r.message, data: r.data === null ? null : (JSON.parse(r.data) as Record<string, unknown>) }));
  }
}
