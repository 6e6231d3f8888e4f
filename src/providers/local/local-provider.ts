// The local ComputeProvider: a region is a set of real model-server processes on loopback ports,
// replica i placed in zone i mod (number of zones). Failures for drills are real signals:
// SIGKILL (crash) and SIGSTOP (hang, the gray failure), SIGCONT to resume.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MeridianError, messageOf } from '../../core/errors.js';
import type { Region } from '../../core/regions.js';
import type { ComputeProvider, FailureMode, FailureTarget, ProvisionRequest, ReplicaPhase, ReplicaStatus } from '../compute-provider.js';
import { isAlive, signal, spawnReplica } from './replica-process.js';
import { findLaunched, isSameProcess, readRecords, writeRecords, type ReplicaRecord } from './replica-state.js';

export interface LocalProviderOptions {
  /** Where replica logs and the replica record live: `<dataDir>/provider/`. */
  dataDir: string;
  /** argv prefix that runs `meridian` (chosen by the composition root). */
  command: readonly string[];
  /** Region lookup (the catalog), for zones. */
  region(code: string): Region;
  workersPerReplica: number;
  readyTimeoutMs: number;
  /** How long a retired replica may drain before SIGKILL. */
  stopTimeoutMs: number;
}

export class LocalProvider implements ComputeProvider {
  private records: ReplicaRecord[];
  /** Replica ids being started now, so concurrent provisions never start one twice. */
  private readonly starting = new Set<string>();
  private readonly stateFile: string;
  /** Names this data directory in every replica's launch label (see replica-state.ts). */
  private readonly key: string;

  constructor(private readonly o: LocalProviderOptions) {
    this.stateFile = join(o.dataDir, 'provider', 'replicas.json');
    this.key = createHash('sha256').update(this.stateFile).digest('hex').slice(0, 12);
    // Adopt what a previous control plane left running; forget the dead and the impostors. A
    // replica recorded before it reported its port was mid-start: stop it, provisioning restarts it.
    const live = readRecords(this.stateFile).filter((r) => isAlive(r.pid) && isSameProcess(r));
    for (const r of live.filter((x) => x.port === 0)) kill(r.pid);
    this.records = live.filter((r) => r.port !== 0);
    // A process started but never recorded (the previous control plane died between spawn and
    // write) is an orphan nobody would ever stop: stop it too.
    const adopted = new Set(this.records.map((r) => r.launch));
    for (const p of findLaunched(this.key)) if (!adopted.has(p.launch) && isAlive(p.pid)) kill(p.pid);
    this.save();
  }

  async provision(req: ProvisionRequest): Promise<ReplicaStatus[]> {
    const region = this.o.region(req.region);
    if (!Number.isInteger(req.replicas) || req.replicas < 1) {
      throw new MeridianError('INVALID_ARGUMENT', `replicas: ${req.replicas} is not a whole number ≥ 1`);
    }
    const existing = this.of(req.region, req.model, req.version);
    const have = new Set(existing.filter((r) => this.phaseOf(r) !== 'crashed').map((r) => r.index));
    // Crashed replicas of this version are replaced, not duplicated.
    for (const r of existing.filter((x) => this.phaseOf(x) === 'crashed')) this.forget(r);
    const missing: number[] = [];
    for (let i = 0; i < req.replicas; i++) if (!have.has(i)) missing.push(i);
    const results = await Promise.allSettled(missing.map((i) => this.startReplica(region, req, i)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      // Nothing half-done: stop the replicas this call started, keep the ones that were there.
      const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      await Promise.all(started.map((r) => this.stop(r)));
      const reason = messageOf((failed).reason);
      throw new MeridianError('PROVISION_FAILED', `${req.model}:${req.version} in ${req.region}: ${reason}`);
    }
    return this.status({ region: req.region, model: req.model, version: req.version });
  }

  async scale(req: ProvisionRequest): Promise<ReplicaStatus[]> {
    const extra = this.of(req.region, req.model, req.version).filter((r) => r.index >= req.replicas);
    await Promise.all(extra.map((r) => this.stop(r)));
    return this.provision(req);
  }

  async retire(region: string, model: string, version: string): Promise<void> {
    await Promise.all(this.of(region, model, version).map((r) => this.stop(r)));
  }

  status(filter: { region?: string; model?: string; version?: string } = {}): ReplicaStatus[] {
    return this.records
      .filter((r) => (filter.region === undefined || r.region === filter.region) && (filter.model === undefined || r.model === filter.model) && (filter.version === undefined || r.version === filter.version))
      .sort((a, b) => a.region.localeCompare(b.region) || a.model.localeCompare(b.model) || a.version.localeCompare(b.version) || a.index - b.index)
      .map((r) => this.toStatus(r));
  }

  fail(target: FailureTarget, mode: FailureMode): ReplicaStatus[] {
    const hit = this.match(target);
    for (const r of hit) {
      if (mode === 'crash') signal(r.pid, 'SIGKILL');
      else {
        signal(r.pid, 'SIGSTOP');
        r.frozen = true;
      }
    }
    this.save();
    return hit.map((r) => this.toStatus(r));
  }

  async restore(target: FailureTarget): Promise<ReplicaStatus[]> {
    const hit = this.match(target);
    for (const r of hit) {
      if (r.frozen) {
        signal(r.pid, 'SIGCONT');
        r.frozen = false;
      }
    }
    this.save();
    const crashed = hit.filter((r) => this.phaseOf(r) === 'crashed');
    for (const r of crashed) this.forget(r);
    await Promise.all(crashed.map((r) => this.startReplica(this.o.region(r.region), { region: r.region, model: r.model, version: r.version, artifactPath: r.artifactPath, replicas: 0 }, r.index)));
    return this.status({ region: target.region });
  }

  async close(): Promise<void> {
    await Promise.all([...this.records].map((r) => this.stop(r)));
  }

  private of(region: string, model: string, version: string): ReplicaRecord[] {
    return this.records.filter((r) => r.region === region && r.model === model && r.version === version);
  }

  private match(t: FailureTarget): ReplicaRecord[] {
    const hit = this.records.filter((r) => r.region === t.region && (t.zone === undefined || r.zone === t.zone) && (t.replicaId === undefined || r.id === t.replicaId));
    if (hit.length === 0) {
      const what = t.replicaId ?? t.zone ?? t.region;
      throw new MeridianError('REPLICA_NOT_FOUND', `no replicas match ${what}; \`meridian status\` lists what runs where`);
    }
    return hit;
  }

  private async startReplica(region: Region, req: ProvisionRequest, index: number): Promise<ReplicaRecord> {
    const id = `${region.code}/${req.model}:${req.version}/${index}`;
    if (this.starting.has(id)) throw new MeridianError('PROVISION_FAILED', `replica ${id} is already being started`);
    this.starting.add(id);
    try {
      const zone = region.zones[index % region.zones.length]!;
      const logFile = join(this.o.dataDir, 'provider', 'logs', region.code, `${req.model}-${req.version}-${index}.log`);
      const launch = `${this.key}.${randomBytes(6).toString('hex')}`;
      const p = spawnReplica({
        launch,
        command: this.o.command,
        artifactPath: req.artifactPath,
        model: req.model,
        version: req.version,
        region: region.code,
        zone,
        logFile,
        workers: this.o.workersPerReplica,
        readyTimeoutMs: this.o.readyTimeoutMs,
      });
      // Recorded before it is ready (port 0): if we die while waiting, the next provider finds
      // the process and replaces it instead of leaving an orphan.
      const rec: ReplicaRecord = { id, region: region.code, zone, model: req.model, version: req.version, index, pid: p.pid, port: 0, artifactPath: req.artifactPath, logFile, frozen: false, launch };
      this.records.push(rec);
      this.save();
      try {
        rec.port = await p.ready;
      } catch (e) {
        this.forget(rec);
        throw e;
      }
      this.save();
      return rec;
    } finally {
      this.starting.delete(id);
    }
  }

  /** SIGTERM (the server drains), SIGKILL after stopTimeoutMs; then forget the replica. */
  private async stop(r: ReplicaRecord): Promise<void> {
    if (r.frozen) signal(r.pid, 'SIGCONT');
    if (isAlive(r.pid) && isSameProcess(r)) {
      signal(r.pid, 'SIGTERM');
      const deadline = performance.now() + this.o.stopTimeoutMs;
      while (isAlive(r.pid) && performance.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      if (isAlive(r.pid)) signal(r.pid, 'SIGKILL');
    }
    this.forget(r);
  }

  private forget(r: ReplicaRecord): void {
    this.records = this.records.filter((x) => x !== r);
    this.save();
  }

  private phaseOf(r: ReplicaRecord): ReplicaPhase {
    if (!isAlive(r.pid)) return 'crashed';
    if (r.port === 0) return 'starting';
    return r.frozen ? 'frozen' : 'running';
  }

  private toStatus(r: ReplicaRecord): ReplicaStatus {
    return { id: r.id, region: r.region, zone: r.zone, model: r.model, version: r.version, index: r.index, phase: this.phaseOf(r), url: `http://127.0.0.1:${r.port}`, pid: r.pid };
  }

  private save(): void {
    writeRecords(this.stateFile, this.records);
  }
}

function kill(pid: number): void {
  signal(pid, 'SIGCONT'); // a frozen process must run to die
  signal(pid, 'SIGKILL');
}
