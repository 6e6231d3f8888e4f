// How values read on screen: percentages, times, and the colour class of each state.

/** @param {number} x a share, 0..1 */
export function pct(x) {
  if (x <= 0) return '0%';
  if (x < 0.01) return '<1%';
  return `${Math.round(x * 100)}%`;
}

/** @param {string} iso */
export function clock(iso) {
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}

/** @param {string} iso */
export function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/**
 * A rollout's or a region's state as one of four tones: ok (done, good), busy (in progress),
 * bad (failed, returned), idle (waiting, skipped).
 * @param {string} state
 * @returns {'ok' | 'busy' | 'bad' | 'idle' | 'warn'}
 */
export function tone(state) {
  switch (state) {
    case 'succeeded':
    case 'verified':
    case 'healthy':
    case 'serving':
    case 'pass':
      return 'ok';
    case 'running':
    case 'replicating':
    case 'provisioning':
    case 'verifying':
    case 'rolling_back':
      return 'busy';
    case 'paused':
    case 'degraded':
    case 'inconclusive':
      return 'warn';
    case 'halted':
    case 'failed':
    case 'rolled_back':
    case 'aborted':
    case 'down':
    case 'fail':
      return 'bad';
    default:
      return 'idle';
  }
}

/** Rollout statuses that are over: nothing will change them any more. */
export const TERMINAL = new Set(['succeeded', 'halted', 'rolled_back', 'aborted']);

/** @param {number} n @param {number} [digits] */
export function num(n, digits = 1) {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(Math.min(digits, 1));
  return n.toFixed(digits);
}
