// How the CLI writes numbers, times and sizes: short, fixed-width where it helps tables line up.

/** `850 ms`, `2.3 s`, `4 m 05 s`, `2 h 03 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** `512 B`, `4.9 KiB`, `5.3 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** A 0..1 share as a percentage: `100%`, `33.3%`, `0%`. */
export function formatPercent(share: number): string {
  const p = share * 100;
  return `${Number.isInteger(Math.round(p * 10) / 10) ? Math.round(p) : p.toFixed(1)}%`;
}

/** An ISO time as local `YYYY-MM-DD HH:MM:SS`; what people compare against their own clock. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Milliseconds between two ISO times, or NaN if either is missing. */
export function msBetween(from: string | null, to: string | null): number {
  if (from === null || to === null) return NaN;
  return Date.parse(to) - Date.parse(from);
}

/** Waves as the --waves flag writes them: `us-east-1; eu-west-1,eu-central-1`. */
export function formatWaves(waves: readonly (readonly string[])[]): string {
  return waves.map((w) => w.join(',')).join('; ');
}
