// Reads one entry of a catalog given as plain data (unknown until checked). Every failure is a
// CATALOG_INVALID error naming the catalog, the entry (index and name), the field and the fix, so a
// bad edit to the data points straight at the line to change.
import { MeridianError } from '../../core/errors.js';

/** Reads typed fields out of one untyped catalog entry, failing with a message that names the field. */
export class EntryReader {
  private readonly record: Record<string, unknown>;
  private readonly label: string;

  /**
   * @param catalog what the entry belongs to, for messages: `region catalog`.
   * @param nameField the field that names the entry (`code`, `name`), shown next to the index.
   */
  constructor(
    private readonly catalog: string,
    readonly index: number,
    raw: unknown,
    nameField: string,
  ) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new MeridianError(
        'CATALOG_INVALID',
        `${catalog} entry #${index}: expected an object with fields, got ${describe(raw)}`,
        { catalog, index },
      );
    }
    this.record = raw as Record<string, unknown>;
    const name = this.record[nameField];
    this.label = `${catalog} entry #${index}` + (typeof name === 'string' ? ` ("${name}")` : '');
  }

  /** Fails with CATALOG_INVALID: `<catalog> entry #3 ("us-east-1"): <field> <problem>`. */
  fail(field: string, problem: string): never {
    throw new MeridianError('CATALOG_INVALID', `${this.label}: ${field} ${problem}`, {
      catalog: this.catalog,
      index: this.index,
      field,
    });
  }

  /** Rejects fields outside `allowed`: a misspelt optional field would otherwise be ignored silently. */
  onlyFields(allowed: readonly string[]): void {
    for (const key of Object.keys(this.record)) {
      if (!allowed.includes(key)) this.fail(key, `is not a known field; expected only ${allowed.join(', ')}`);
    }
  }

  /** A non-empty string, optionally matching `pattern` (with `hint` saying what a good value looks like). */
  string(field: string, pattern?: RegExp, hint?: string): string {
    const v = this.record[field];
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, `must be a non-empty string, got ${describe(v)}`);
    if (pattern && !pattern.test(v)) this.fail(field, `"${v}" is malformed: ${hint ?? `expected ${String(pattern)}`}`);
    return v;
  }

  /** A finite number in [min, max]. */
  number(field: string, min: number, max: number): number {
    const v = this.record[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a number, got ${describe(v)}`);
    if (v < min || v > max) this.fail(field, `${v} is out of range: it must be between ${min} and ${max}`);
    return v;
  }

  /** One of a fixed list of strings. */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const v = this.record[field];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(field, `${describe(v)} is not known; expected one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  /** A non-empty array of non-empty strings. */
  strings(field: string): string[] {
    const v = this.record[field];
    if (!Array.isArray(v) || v.length === 0) this.fail(field, `must be a non-empty list of names, got ${describe(v)}`);
    return v.map((item: unknown, i) => {
      if (typeof item !== 'string' || item === '') this.fail(`${field}[${i}]`, `must be a non-empty string, got ${describe(item)}`);
      return item;
    });
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${v}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
