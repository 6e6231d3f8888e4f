// Reads untrusted JSON field by field. Every failure names the field (`body.regions[1]`), what was
// expected and what arrived, so a client author can fix the request without reading our code.
import { MeridianError } from '../core/errors.js';

/** Parses a JSON request body. @throws MeridianError `BAD_REQUEST` with the parser's complaint */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new MeridianError('BAD_REQUEST', `request body is not valid JSON (${why}); send a JSON object with content-type application/json`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v) ?? typeof v}`;
}

/** One JSON object of a request body, read field by field. */
export class BodyReader {
  private readonly obj: Record<string, unknown>;

  /**
   * @param what how the body is named in messages, e.g. `body`
   * @param allowed the fields the object may have; any other is refused (a typo would be ignored otherwise)
   */
  constructor(
    private readonly what: string,
    value: unknown,
    allowed: readonly string[],
    example: string,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.invalid('', `expected a JSON object like ${example}`, value);
    }
    this.obj = value as Record<string, unknown>;
    const unknown = Object.keys(this.obj).filter((k) => !allowed.includes(k));
    if (unknown.length > 0) {
      throw new MeridianError('INVALID_ARGUMENT', `${what}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; the fields are ${allowed.join(', ')}`);
    }
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  string(key: string, example: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v === '') throw this.invalid(key, `expected a non-empty string, e.g. ${JSON.stringify(example)}`, v);
    return v;
  }

  /** An array of non-empty strings with no duplicates. */
  stringList(key: string, example: readonly string[], v: unknown = this.obj[key], path = key): string[] {
    if (!Array.isArray(v) || v.length === 0) throw this.invalid(path, `expected a non-empty array of strings, e.g. ${JSON.stringify(example)}`, v);
    const seen = new Set<string>();
    v.forEach((x: unknown, i) => {
      if (typeof x !== 'string' || x === '') throw this.invalid(`${path}[${i}]`, 'expected a non-empty string', x);
      if (seen.has(x)) throw this.invalid(`${path}[${i}]`, 'is listed twice; list each once', x);
      seen.add(x);
    });
    return v as string[];
  }

  /** An array of string arrays, e.g. waves of regions. */
  stringLists(key: string, example: readonly (readonly string[])[]): string[][] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0) throw this.invalid(key, `expected a non-empty array of arrays of strings, e.g. ${JSON.stringify(example)}`, v);
    return v.map((inner: unknown, i) => this.stringList(key, example[0] ?? [], inner, `${key}[${i}]`));
  }

  int(key: string, min: number, max: number): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.invalid(key, `expected a whole number from ${min} to ${max}`, v);
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.obj[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw this.invalid(key, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    }
    return v as T;
  }

  private invalid(key: string, expected: string, got: unknown): MeridianError {
    const field = key === '' ? this.what : `${this.what}.${key}`;
    return new MeridianError('INVALID_ARGUMENT', `${field}: ${expected}; got ${got === undefined ? 'nothing' : describe(got)}`, { field });
  }
}
