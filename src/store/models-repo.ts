// Models and their versions: each version points at one artifact digest, with its signature,
// residency and golden examples.
import type { Kysely } from 'kysely';
import type { ModelVersionInfo, TensorInfo } from '../core/domain.js';
import type { EventLog } from './event-log.js';
import type { Database, ModelVersionsTable } from './schema.js';

/** A model version as the control plane needs it, golden examples included. */
export interface ModelVersionRecord extends ModelVersionInfo {
  /** JSON-ready golden examples (see artifacts/golden.ts for their shape). */
  golden: unknown[];
}

export interface NewModelVersion {
  model: string;
  version: string;
  digest: string;
  bytes: number;
  residency: string[] | null;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  golden: unknown[];
}

function toRecord(r: ModelVersionsTable): ModelVersionRecord {
  const sig = JSON.parse(r.signature) as { inputs: TensorInfo[]; outputs: TensorInfo[] };
  const golden = JSON.parse(r.golden) as unknown[];
  return {
    model: r.model,
    version: r.version,
    digest: r.digest,
    bytes: r.bytes,
    residency: r.residency === null ? null : (JSON.parse(r.residency) as string[]),
    inputs: sig.inputs,
    outputs: sig.outputs,
    goldenExamples: golden.length,
    golden,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

export class ModelsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: EventLog,
  ) {}

  async get(model: string, version: string): Promise<ModelVersionRecord | undefined> {
    const row = await this.db.selectFrom('model_versions').selectAll().where('model', '=', model).where('version', '=', version).executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  async list(model?: string): Promise<ModelVersionRecord[]> {
    let q = this.db.selectFrom('model_versions').selectAll().orderBy('model').orderBy('created_at');
    if (model !== undefined) q = q.where('model', '=', model);
    return (await q.execute()).map(toRecord);
  }

  async versionsOf(model: string): Promise<string[]> {
    const rows = await this.db.selectFrom('model_versions').select('version').where('model', '=', model).orderBy('created_at').execute();
    return rows.map((r) => r.version);
  }

  /** Inserts a new version (and the model on first push). Callers check for conflicts first. */
  async insert(v: NewModelVersion, actor: string): Promise<ModelVersionRecord> {
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('models').values({ name: v.model, created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
      await trx
        .insertInto('model_versions')
        .values({
          model: v.model,
          version: v.version,
          digest: v.digest,
          bytes: v.bytes,
          residency: v.residency === null ? null : JSON.stringify(v.residency),
          signature: JSON.stringify({ inputs: v.inputs, outputs: v.outputs }),
          golden: JSON.stringify(v.golden),
          created_at: now,
          created_by: actor,
        })
        .execute();
      await this.events.append(trx, {
        actor,
        kind: 'model.pushed',
        model: v.model,
        message: `${v.model}:${v.version} pushed (sha256 ${v.digest.slice(0, 12)}, ${v.bytes} bytes${v.residency === null ? '' : `, residency ${v.residency.join(',')}`})`,
        data: { version: v.version, digest: v.digest, residency: v.residency },
      });
    });
    this.events.flush();
    return (await this.get(v.model, v.version))!;
  }
}
