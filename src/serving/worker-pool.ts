// A fixed set of inference worker threads, each with its own onnxruntime session. The batcher
// hands a group of request bodies to an idle worker; a worker that dies fails only its own group
// and is replaced.
import { Worker } from 'node:worker_threads';
import { MeridianError } from '../core/errors.js';
import { packBodies, type RawBody } from './raw-body.js';
import type { ModelSignature } from './signature.js';
import type { InferMessage, InferReply, WorkerInit, WorkerReply } from './worker-protocol.js';

const WORKER_URL = new URL('./inference-worker.js', import.meta.url);

/** A group's replies, packed as the worker sent them (see InferReply). */
export type GroupResult = Omit<InferReply, 'type' | 'id'>;

interface Slot {
  worker: Worker;
  busy: boolean;
  pending?: { id: number; resolve: (r: GroupResult) => void; reject: (e: Error) => void };
}

function spawn(init: WorkerInit): Promise<{ worker: Worker; signature: ModelSignature }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: init });
    const onMessage = (m: WorkerReply): void => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if (m.type === 'loaded') resolve({ worker, signature: m.signature });
      else {
        void worker.terminate();
        reject(new MeridianError('MODEL_LOAD_FAILED', m.type === 'load-failed' ? m.message : `unexpected ${m.type} while loading`));
      }
    };
    const onError = (e: Error): void => {
      worker.off('message', onMessage);
      reject(new MeridianError('MODEL_LOAD_FAILED', e.message));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}

export class WorkerPool {
  private nextId = 1;
  private closed = false;
  /** Called when a worker becomes idle, so the batcher can dispatch queued work. */
  onIdle: () => void = () => {};

  private constructor(
    private readonly init: WorkerInit,
    private readonly slots: Slot[],
    readonly signature: ModelSignature,
  ) {
    for (const s of slots) this.attach(s);
  }

  /** Starts `count` workers and waits until each has loaded the model. */
  static async start(init: WorkerInit, count: number): Promise<WorkerPool> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => spawn(init)));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(started.flatMap((r) => (r.status === 'fulfilled' ? [r.value.worker.terminate()] : [])));
      throw failed.reason;
    }
    const ok = started.map((r) => (r as PromiseFulfilledResult<{ worker: Worker; signature: ModelSignature }>).value);
    return new WorkerPool(init, ok.map((s) => ({ worker: s.worker, busy: false })), ok[0]!.signature);
  }

  get size(): number {
    return this.slots.length;
  }

  hasIdle(): boolean {
    for (const s of this.slots) if (!s.busy) return true;
    return false;
  }

  /**
   * Decodes, runs and encodes a group of request bodies on an idle worker. Callers check
   * hasIdle() first; with none idle this rejects.
   */
  infer(bodies: readonly RawBody[]): Promise<GroupResult> {
    const slot = this.slots.find((s) => !s.busy);
    if (slot === undefined || this.closed) return Promise.reject(new MeridianError('INTERNAL', 'no idle inference worker'));
    slot.busy = true;
    const id = this.nextId++;
    const { buffer, parts } = packBodies(bodies);
    const msg: InferMessage = { type: 'infer', id, bodies: buffer, parts };
    return new Promise<GroupResult>((resolve, reject) => {
      slot.pending = { id, resolve, reject };
      // The packed bodies are transferred, not copied: the buffer belongs to this group alone.
      slot.worker.postMessage(msg, [buffer]);
    });
  }

  private attach(slot: Slot): void {
    slot.worker.on('message', (m: WorkerReply) => {
      const p = slot.pending;
      if (p === undefined || !('id' in m) || m.id !== p.id) return;
      slot.pending = undefined;
      slot.busy = false;
      if (m.type === 'inferred') p.resolve(m);
      else if (m.type === 'infer-failed') p.reject(new MeridianError('INTERNAL', `inference failed: ${m.message}`));
      this.onIdle();
    });
    slot.worker.once('exit', (code) => {
      if (this.closed) return;
      const p = slot.pending;
      slot.pending = undefined;
      p?.reject(new MeridianError('INTERNAL', `inference worker exited (code ${code}) during this request`));
      this.replace(slot);
    });
    slot.worker.on('error', () => {
      /* the exit handler replaces the worker */
    });
  }

  private replace(slot: Slot): void {
    slot.busy = true;
    spawn(this.init).then(
      ({ worker }) => {
        if (this.closed) {
          void worker.terminate();
          return;
        }
        slot.worker = worker;
        slot.busy = false;
        this.attach(slot);
        this.onIdle();
      },
      () => {
        // The model loaded before, so this is unexpected; leave the slot busy (out of service).
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
