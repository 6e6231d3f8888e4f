// Rollout progress, two ways: on a terminal a table redrawn in place (ANSI cursor movement,
// ECMA-48 CUU "ESC [ n A" and EL "ESC [ 2 K"); elsewhere (CI logs, pipes) one line per region
// phase change, which reads well after the fact and never garbles a log file.
import { isTerminalRegionPhase, isTerminalRollout, type RegionPhase, type Rollout, type RolloutRegion } from '../../api/contract.js';
import { formatDuration, msBetween } from './format.js';
import { formatTable } from './table.js';

/** Receives successive snapshots of one rollout. */
export interface RolloutProgress {
  update(r: Rollout): void;
  /** The last snapshot; stops any redrawing. */
  finish(r: Rollout): void;
  /** A strategy step or verdict worth a line of its own. */
  note(message: string): void;
}

/** Waves are 0-based in the API; people count from 1. */
export const waveLabel = (x: RolloutRegion): string => String(x.wave + 1);

/** How long a region has been (or was) at work: from its start to now, or to its last change once done. */
export function regionElapsedMs(x: RolloutRegion, nowMs: number): number {
  if (x.startedAt === null) return NaN;
  return isTerminalRegionPhase(x.phase) ? msBetween(x.startedAt, x.updatedAt) : nowMs - Date.parse(x.startedAt);
}

/** `eu-west-1  verifying  (wave 1, 2.3 s)`, for logs. */
export function lineProgress(write: (line: string) => void): RolloutProgress {
  const seen = new Map<string, RegionPhase>();
  let width = 0;
  const update = (r: Rollout): void => {
    width = Math.max(width, ...r.regions.map((x) => x.region.length));
    for (const x of r.regions) {
      const before = seen.get(x.region);
      seen.set(x.region, x.phase);
      // The first snapshot only sets the baseline: "pending" everywhere says nothing new.
      if (before === x.phase || (before === undefined && x.phase === 'pending')) continue;
      // The phase a region starts with has no elapsed time worth printing.
      const ms = msBetween(x.startedAt, x.updatedAt);
      const elapsed = Number.isNaN(ms) || ms <= 0 ? '' : `, ${formatDuration(ms)}`;
      const reason = x.reason !== null && (x.phase === 'failed' || x.phase === 'skipped' || x.phase === 'rolled_back') ? `: ${x.reason}` : '';
      write(`${x.region.padEnd(width)}  ${x.phase.padEnd(12)}  (wave ${waveLabel(x)}${elapsed})${reason}`);
    }
  };
  return { update, finish: update, note: write };
}

const COLOUR: Partial<Record<RegionPhase, string>> = { verified: '32', failed: '31', rolling_back: '33', rolled_back: '33', skipped: '2' };

/** The live table, redrawn in place every `tickMs` and on each update. */
export function ttyProgress(out: { write(s: string): boolean; columns?: number }, tickMs = 200, now: () => number = Date.now): RolloutProgress {
  let current: Rollout | undefined;
  let drawn = 0;
  /** The latest strategy notes, shown under the table. */
  const notes: string[] = [];
  const draw = (): void => {
    if (current === undefined) return;
    const r = current;
    const t = now();
    const rows = r.regions.map((x) => {
      const c = COLOUR[x.phase];
      return [x.region, waveLabel(x), c === undefined ? x.phase : `\x1b[${c}m${x.phase}\x1b[0m`, formatDuration(regionElapsedMs(x, t)), x.reason ?? ''];
    });
    const took = isTerminalRollout(r.status) ? msBetween(r.createdAt, r.updatedAt) : t - Date.parse(r.createdAt);
    const head = `rollout ${r.id}  ${r.status}  ${formatDuration(took)}`;
    // Lines wider than the terminal would wrap and break the cursor arithmetic: cut them.
    // (A pseudo-terminal without a size reports 0 columns: assume the classic 80.)
    const max = Math.max(20, (out.columns !== undefined && out.columns > 0 ? out.columns : 80) - 1);
    const lines = [head, ...formatTable(['REGION', 'WAVE', 'PHASE', 'ELAPSED', 'REASON'], rows), ...notes].map((l) => cut(l, max));
    const up = drawn > 0 ? `\x1b[${drawn}A\r` : '';
    out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    drawn = lines.length;
  };
  const timer = setInterval(draw, tickMs);
  timer.unref();
  return {
    update(r) {
      current = r;
      draw();
    },
    finish(r) {
      clearInterval(timer);
      current = r;
      draw();
    },
    note(message) {
      notes.push(message);
      if (notes.length > 4) notes.shift();
      draw();
    },
  };
}

/** Cuts a line to `max` visible characters, keeping ANSI colour codes intact. */
function cut(line: string, max: number): string {
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      out += part;
      continue;
    }
    const room = max - visible;
    if (room <= 0) continue;
    out += part.slice(0, room);
    visible += Math.min(part.length, room);
  }
  return out;
}
