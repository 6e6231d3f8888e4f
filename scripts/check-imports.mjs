// Checks the import graph of src/: no cycles, and ARCHITECTURE.md's one-way layers
// (core ← config ← {store, artifacts, providers, monitor} ← {router, serving} ← rollout ← api ←
// {cli, dashboard}; bin wires everything). Usage: node scripts/check-imports.mjs [--root DIR]
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const BASE = ['core', 'config'];
const LOW = [...BASE, 'store', 'artifacts', 'providers', 'monitor'];
const DATA = [...LOW, 'router', 'serving'];
/** Which top-level directories of src/ each may import from (its own always allowed). */
export const ALLOWED = {
  core: [],
  config: ['core'],
  examples: ['core'],
  store: BASE,
  artifacts: BASE,
  providers: BASE,
  monitor: BASE,
  router: LOW,
  serving: LOW,
  rollout: DATA,
  api: [...DATA, 'rollout'],
  cli: [...BASE, 'api'],
  dashboard: [...BASE, 'api'],
  bin: null, // composition roots: anything
};

const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

export function checkImports(root) {
  const src = resolve(root, 'src');
  const graph = new Map();
  const problems = [];
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    const deps = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target)) continue; // e.g. a worker file URL; tsc reports real misses
      deps.push(target);
      const from = relative(src, file).split(sep)[0];
      const to = relative(src, target).split(sep)[0];
      const allowed = ALLOWED[from];
      if (from !== to && allowed !== null && !(allowed ?? []).includes(to)) {
        problems.push(`layer: src/${relative(src, file)} imports src/${relative(src, target)} — ${from}/ may import only ${(allowed ?? []).join(', ') || 'nothing of ours'} (ARCHITECTURE.md)`);
      }
    }
    graph.set(file, deps);
  }
  // Cycles: depth-first search with an explicit stack of the current path.
  const state = new Map(); // 1 = on path, 2 = done
  const seen = new Set();
  const visit = (node, path) => {
    state.set(node, 1);
    path.push(node);
    for (const d of graph.get(node) ?? []) {
      if (state.get(d) === 1) {
        const cycle = path.slice(path.indexOf(d)).concat(d).map((f) => relative(src, f));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          problems.push(`cycle: ${cycle.join(' → ')}`);
        }
      } else if (state.get(d) !== 2) visit(d, path);
    }
    path.pop();
    state.set(node, 2);
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f, []);
  return { files: graph.size, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--root');
  const root = i > 0 ? process.argv[i + 1] : process.cwd();
  const { files: n, problems } = checkImports(root);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    console.error(`check-imports: ${problems.length} problem(s) in ${n} files`);
    process.exit(1);
  }
  console.log(`check-imports: ${n} files, no cycles, layers respected`);
}
