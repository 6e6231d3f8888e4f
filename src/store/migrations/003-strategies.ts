import type { Kysely } from 'kysely';

/**
 * Release strategies: each rollout's strategy spec and durable progress (JSON), the candidate a
 * placement carries while a strategy runs (JSON CandidateTraffic, null otherwise), and the analysis
 * runs with their verdicts — appended, never changed, like the event log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rollouts').addColumn('strategy', 'text', (c) => c.notNull().defaultTo('{"type":"all-at-once"}')).execute();
  await db.schema.alterTable('rollouts').addColumn('progress', 'text').execute();
  await db.schema.alterTable('placements').addColumn('candidate', 'text').execute();
  await db.schema
    .createTable('analysis_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('rollout_id', 'integer', (c) => c.notNull())
    .addColumn('wave', 'integer', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('step_label', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('window_from', 'text', (c) => c.notNull())
    .addColumn('window_to', 'text', (c) => c.notNull())
    .addColumn('verdicts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('analysis_runs_rollout').on('analysis_runs').column('rollout_id').execute();
}
