// One event per line, columns of fixed width so a followed stream lines up without knowing what
// comes next: time, actor, kind, model, region, message.
import type { EventRecord } from '../../api/contract.js';
import { formatTime } from './format.js';

const cell = (s: string | null, width: number): string => (s ?? '-').padEnd(width);

export function eventLine(e: EventRecord): string {
  return `${formatTime(e.time)}  ${cell(e.actor, 12)}  ${cell(e.kind, 20)}  ${cell(e.model, 10)}  ${cell(e.region, 16)}  ${e.message}`;
}
