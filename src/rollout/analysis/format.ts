// Number formatting for verdict reasons: people read "12.0% (24/200)" and "34.1 ms", not floats.

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export function ms(x: number): string {
  return `${Number(x.toPrecision(3))} ms`;
}

/** Short, but p-values stay readable across many orders of magnitude. */
export function num(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) < 0.001 ? x.toExponential(1) : String(Number(x.toPrecision(3)));
}

/** `NaN` and ±Infinity are not JSON: verdicts record them as null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
