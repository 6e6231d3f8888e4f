// What a load run remembers: one record per request, with the three times that matter for an
// open-loop measurement. Kept whole (not folded into counters) so that a failure drill can ask
// questions of the timeline afterwards: who served what, when, and how late.

/** How one request ended, as the sender reports it. */
export interface Outcome {
  /** HTTP status; 0 when no response arrived (connection error, timeout, abort). */
  status: number;
  /** The `Meridian-Region` response header: the region that answered; null without one. */
  region: string | null;
  /**
   * A client-side failure, when there was one: `timeout`, `aborted`, or the socket error code
   * (`ECONNREFUSED`, `ECONNRESET`, ...). Set even when a status arrived but the body did not.
   */
  error?: string;
}

/** One request of a run. Times are ms since the run started, on a monotonic clock. */
export interface RequestRecord extends Outcome {
  /** Position in the schedule: request `seq` was due at seq / rps seconds. */
  seq: number;
  /** When the schedule said to send it. Latency counts from here, so a late send is not hidden. */
  scheduledAt: number;
  /** When it was handed to the socket layer (later than scheduledAt if the generator lagged). */
  startedAt: number;
  /** When the whole response had arrived, or the request failed. */
  finishedAt: number;
}

/** A request succeeded: a 2xx response read to its end. */
export function isOk(r: Outcome): boolean {
  return r.error === undefined && r.status >= 200 && r.status < 300;
}

/** Latency as the client feels it: from the scheduled send time to the end of the response. */
export function latencyOf(r: RequestRecord): number {
  return r.finishedAt - r.scheduledAt;
}

/** The category a request counts under in status counts: its error, else its HTTP status. */
export function categoryOf(r: Outcome): string {
  return r.error ?? String(r.status);
}

/** Collects records as requests finish; `all()` gives them in schedule order. */
export class Recorder {
  private readonly records: RequestRecord[] = [];

  add(r: RequestRecord): void {
    this.records.push(r);
  }

  get size(): number {
    return this.records.length;
  }

  /** Every record so far, sorted by schedule position (they arrive in completion order). */
  all(): RequestRecord[] {
    return [...this.records].sort((a, b) => a.seq - b.seq);
  }
}
