// A private copy of the compiled sources for the processes a benchmark starts. Other sessions
// rebuild dist/ while a long benchmark runs; a model server spawned halfway through a rebuild loads
// half-written modules and dies ("does not provide an export named …"). Spawning from a snapshot
// taken at start keeps every run on the same build. node_modules is linked, not copied.
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DistSnapshot {
  dir: string;
  /** `<snapshot>/dist/src/bin/meridian.js`. */
  cliPath: string;
  /** A compiled module of src/, by its path under dist/src (e.g. "bin/compose-local.js"). */
  srcPath(rel: string): string;
  remove(): void;
}

export function snapshotDist(root: string): DistSnapshot {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-dist-'));
  try {
    cpSync(join(root, 'dist', 'src'), join(dir, 'dist', 'src'), { recursive: true });
    // The compiled control plane reads the dashboard's files from src/ (tsc copies no assets).
    const assets = join(root, 'src', 'dashboard', 'static');
    if (existsSync(assets)) cpSync(assets, join(dir, 'src', 'dashboard', 'static'), { recursive: true });
    // "type": "module" makes the .js files ES modules.
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    cliPath: join(dir, 'dist', 'src', 'bin', 'meridian.js'),
    srcPath: (rel) => join(dir, 'dist', 'src', rel),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
