// Analysis runs: every verdict the judges gave during a rollout, with the measured values,
// thresholds and sample sizes — what `meridian analysis` shows to explain a promotion or a
// rollback. Appended, never changed.
import type { Kysely } from 'kysely';
import type { AnalysisRun, JudgeVerdictRecord } from '../core/strategy.js';
import type { EventLog } from './event-log.js';
import type { Database } from './schema.js';

export type NewAnalysisRun = Omit<AnalysisRun, 'id' | 'createdAt'>;

export class AnalysisRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventLog,
  ) {}

  /** Stores the runs (one per region of a step) and one event summarising them. */
  async record(runs: readonly NewAnalysisRun[], model: string, actor: string, message: string): Promise<void> {
    if (runs.length === 0) return;
    try {
      await this.db.transaction().execute(async (trx) => {
        const t = new Date().toISOString();
        for (const r of runs) {
          await trx
            .insertInto('analysis_runs')
            .values({ rollout_id: r.rolloutId, wave: r.wave, step: r.step, step_label: r.stepLabel, region: r.region, result: r.result, window_from: r.from, window_to: r.to, verdicts: JSON.stringify(r.verdicts), created_at: t })
            .execute();
        }
        const first = runs[0]!;
        const result = runs.some((r) => r.result === 'fail') ? 'fail' : runs.some((r) => r.result === 'inconclusive') ? 'inconclusive' : 'pass';
        await this.events.append(trx, { actor, kind: `analysis.${result}`, model, rolloutId: first.rolloutId, message, data: { step: first.step, wave: first.wave, regions: runs.map((r) => ({ region: r.region, result: r.result })) } });
      });
      this.events.flush();
    } catch (e) {
      this.events.discard();
      throw e;
    }
  }

  async list(rolloutId: number): Promise<AnalysisRun[]> {
    const rows = await this.db.selectFrom('analysis_runs').selectAll().where('rollout_id', '=', rolloutId).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      rolloutId: r.rollout_id,
      wave: r.wave,
      step: r.step,
      stepLabel: r.step_label,
      region: r.region,
      result: r.result as AnalysisRun['result'],
      from: r.window_from,
      to: r.window_to,
      verdicts: JSON.parse(r.verdicts) as JudgeVerdictRecord[],
      createdAt: r.created_at,
    }));
  }

  /** Verdicts per model and result (for metrics). */
  async counts(): Promise<{ model: string; result: string; count: number }[]> {
    const rows = await this.db
      .selectFrom('analysis_runs')
      .innerJoin('rollouts', 'rollouts.id', 'analysis_runs.rollout_id')
      .select(['rollouts.model as model', 'analysis_runs.result as result', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['rollouts.model', 'analysis_runs.result'])
      .execute();
    return rows.map((r) => ({ model: r.model, result: r.result, count: Number(r.count) }));
  }
}
