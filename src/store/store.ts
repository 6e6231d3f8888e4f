// The Store port's implementation: one durable database (SQLite now, PostgreSQL later) behind
// repositories. A single control plane writes at a time.
import type { Kysely } from 'kysely';
import { AnalysisRepo } from './analysis-repo.js';
import { EventLog } from './event-log.js';
import { ModelsRepo } from './models-repo.js';
import { openDatabase } from './open.js';
import { RolloutsRepo } from './rollouts-repo.js';
import type { Database } from './schema.js';
import { TokensRepo } from './tokens-repo.js';
import { TrafficRepo } from './traffic-repo.js';

export class Store {
  readonly events: EventLog;
  readonly tokens: TokensRepo;
  readonly models: ModelsRepo;
  readonly rollouts: RolloutsRepo;
  readonly traffic: TrafficRepo;
  readonly analysis: AnalysisRepo;

  private constructor(readonly db: Kysely<Database>) {
    this.events = new EventLog(db);
    this.tokens = new TokensRepo(db, this.events);
    this.models = new ModelsRepo(db, this.events);
    this.rollouts = new RolloutsRepo(db, this.events);
    this.traffic = new TrafficRepo(db, this.events);
    this.analysis = new AnalysisRepo(db, this.events);
  }

  static async open(path: string): Promise<Store> {
    return new Store(await openDatabase(path));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
