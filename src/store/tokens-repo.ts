// API tokens. Only a sha256 of each token is stored; the token is shown once when created.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreatedToken, Role, TokenInfo } from '../core/domain.js';
import type { EventLog } from './event-log.js';
import type { Database } from './schema.js';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export class TokensRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventLog,
  ) {}

  async create(name: string, role: Role, actor: string): Promise<CreatedToken> {
    const token = `mrd_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('tokens').values({ name, role, token_hash: hash(token), created_at: createdAt, revoked_at: null }).returning('id').executeTakeFirstOrThrow();
      await this.events.append(trx, { actor, kind: 'token.created', message: `token "${name}" created with role ${role}`, data: { tokenId: row.id, role } });
      return row.id;
    });
    this.events.flush();
    return { id, name, role, createdAt, token };
  }

  /**
   * Makes sure `token` exists with this name and role (idempotent): how `meridian up` installs the
   * admin token it wrote to the client config.
   */
  async ensure(token: string, name: string, role: Role, actor: string): Promise<void> {
    if ((await this.find(token)) !== undefined) return;
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('tokens').values({ name, role, token_hash: hash(token), created_at: new Date().toISOString(), revoked_at: null }).returning('id').executeTakeFirstOrThrow();
      await this.events.append(trx, { actor, kind: 'token.created', message: `token "${name}" installed with role ${role}`, data: { tokenId: row.id, role } });
    });
    this.events.flush();
  }

  async find(token: string): Promise<TokenInfo | undefined> {
    const row = await this.db.selectFrom('tokens').selectAll().where('token_hash', '=', hash(token)).where('revoked_at', 'is', null).executeTakeFirst();
    return row === undefined ? undefined : { id: row.id, name: row.name, role: row.role as Role, createdAt: row.created_at };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('tokens').selectAll().where('revoked_at', 'is', null).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role as Role, createdAt: r.created_at }));
  }

  async revoke(id: number, actor: string): Promise<boolean> {
    const changed = await this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await this.events.append(trx, { actor, kind: 'token.revoked', message: `token ${id} revoked`, data: { tokenId: id } });
      return true;
    });
    this.events.flush();
    return changed;
  }
}
