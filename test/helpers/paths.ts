// Where tests find the project's built artefacts. Tests run from the project root (npm test).
import { resolve } from 'node:path';

export const ROOT = process.cwd();
export const MODELS_DIR = resolve(ROOT, 'models');
export const CLI = resolve(ROOT, 'dist/src/bin/meridian.js');
export const model = (file: string): string => resolve(MODELS_DIR, file);
