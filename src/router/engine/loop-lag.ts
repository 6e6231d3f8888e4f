// How far behind the router's own event loop is. When the router is the bottleneck, an attempt's
// measured wait includes the time its answer sat unread behind other work: hedging it, or timing
// it out, adds load exactly when there is none to spare (bench:router saw 0.04–0.22 hedges per
// answer in overloaded runs). And a request that will wait seconds for the loop is better refused
// at once (503 + Retry-After) than queued. A timer ticking every `intervalMs` measures it, as
// perf_hooks.monitorEventLoopDelay does, plus how overdue the next tick is right now (a loop busy
// with a long backlog has not ticked at all yet).

/** The event loop's current delay, and whether it has stayed high. */
export class LoopLag {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private lateMs = 0;
  private previousLateMs = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Starts measuring (an unref'd interval: it never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastTick = this.now();
    this.timer = setInterval(() => {
      const t = this.now();
      this.previousLateMs = this.lateMs;
      this.lateMs = Math.max(0, t - this.lastTick - this.intervalMs);
      this.lastTick = t;
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.lateMs = this.previousLateMs = 0;
  }

  /** ms the loop is behind now: the last tick's lateness, or how overdue the next one is; 0 when not started. */
  ms(): number {
    if (this.timer === undefined) return 0;
    return Math.max(this.lateMs, this.now() - this.lastTick - this.intervalMs);
  }

  /** ms the loop has been behind for two ticks in a row at least: one GC pause or one descheduling makes one late tick, not two. */
  sustainedMs(): number {
    // Checked on every request: without a late tick the answer is 0, and reading the clock can wait.
    if (this.timer === undefined || this.previousLateMs === 0) return 0;
    return Math.min(this.previousLateMs, this.ms());
  }
}
