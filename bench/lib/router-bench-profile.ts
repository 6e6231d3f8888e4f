// Summarises a V8 .cpuprofile (node --cpu-prof) of the router: where its one core went. Self time
// per function and per source area, and inclusive time of the router's own functions (every
// sample counts once for each distinct function on its stack), in % of the profiled time and in
// µs per forwarded request.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  fn: string;
  pct: number;
  usPerRequest: number;
}

export interface ProfileSummary {
  file: string;
  profiledMs: number;
  requests: number;
  /** Self time by area: idle, GC, program (native/unattributed), node internals, our dist/src files, dependencies. */
  byArea: ProfileEntry[];
  /** Self time by file (ours and node's), top 20. */
  byFile: ProfileEntry[];
  /** Self time by function, top 30. */
  selfTop: ProfileEntry[];
  /** Inclusive time of our own functions (dist/src), top 40. */
  inclusiveOurs: ProfileEntry[];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 6);
  const j = url.indexOf('/node_modules/');
  if (j >= 0) return url.slice(j + 1);
  return url;
}

function area(url: string, name: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(root)') return 'program (native, unattributed)';
  if (url.startsWith('node:')) return 'node internals (node:*)';
  if (url.includes('/dist/src/')) return 'meridian (dist/src)';
  if (url.includes('/node_modules/')) return 'dependencies';
  return url === '' ? 'native builtins' : 'other JS';
}

/** Reads and summarises; `requests` is how many requests the router forwarded while profiled. */
export function summarizeProfile(file: string, requests: number): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}${n.callFrame.url === '' ? '' : `:${n.callFrame.lineNumber + 1}`}`;
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => {
    m.set(k, (m.get(k) ?? 0) + v);
  };
  for (let i = 0; i < p.samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample: it belongs to sample i.
    const dt = p.timeDeltas[i] ?? 0;
    const leaf = byId.get(p.samples[i] ?? -1);
    if (leaf === undefined) continue;
    total += dt;
    add(self, key(leaf), dt);
    add(areas, area(leaf.callFrame.url, leaf.callFrame.functionName), dt);
    add(files, leaf.callFrame.url === '' ? leaf.callFrame.functionName : shortUrl(leaf.callFrame.url), dt);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n !== undefined; n = byId.get(parent.get(n.id) ?? -1)) {
      if (!n.callFrame.url.includes('/dist/src/')) continue;
      const k = key(n);
      if (seen.has(k)) continue;
      seen.add(k);
      add(inclusive, k, dt);
    }
  }
  const entries = (m: Map<string, number>, top: number): ProfileEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, pct: Math.round((1000 * us) / Math.max(1, total)) / 10, usPerRequest: requests > 0 ? Math.round((10 * us) / requests) / 10 : 0 }));
  return {
    file,
    profiledMs: Math.round(total / 1000),
    requests,
    byArea: entries(areas, 10),
    byFile: entries(files, 20),
    selfTop: entries(self, 30),
    inclusiveOurs: entries(inclusive, 40),
  };
}
