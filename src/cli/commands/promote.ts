// `meridian promote ROLLOUT` (see rollout-control.ts).
import { commandMain } from './rollout-control.js';

export const main = commandMain('promote');
