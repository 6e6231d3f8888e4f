import type { Kysely } from 'kysely';

/** Per-model routing policy (latency, geoproximity, geolocation, weighted, failover) as JSON. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('traffic_policies')
    .addColumn('model', 'text', (c) => c.primaryKey())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}
