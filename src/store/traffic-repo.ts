// Each model's routing policy; the default (latency) applies until one is set.
import type { Kysely } from 'kysely';
import { DEFAULT_ROUTING_POLICY, type RoutingPolicySpec } from '../core/routing-table.js';
import type { EventLog } from './event-log.js';
import type { Database } from './schema.js';

export class TrafficRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventLog,
  ) {}

  async policy(model: string): Promise<RoutingPolicySpec> {
    const row = await this.db.selectFrom('traffic_policies').select('policy').where('model', '=', model).executeTakeFirst();
    return row === undefined ? DEFAULT_ROUTING_POLICY : (JSON.parse(row.policy) as RoutingPolicySpec);
  }

  async policies(): Promise<Record<string, RoutingPolicySpec>> {
    const rows = await this.db.selectFrom('traffic_policies').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.model, JSON.parse(r.policy) as RoutingPolicySpec]));
  }

  async setPolicy(model: string, policy: RoutingPolicySpec, actor: string): Promise<void> {
    const now = new Date().toISOString();
    const text = JSON.stringify(policy);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('traffic_policies')
        .values({ model, policy: text, updated_at: now, updated_by: actor })
        .onConflict((oc) => oc.column('model').doUpdateSet({ policy: text, updated_at: now, updated_by: actor }))
        .execute();
      await this.events.append(trx, { actor, kind: 'traffic.policy', model, message: `${model} routing policy set to ${policy.type}`, data: { policy } });
    });
    this.events.flush();
  }
}
