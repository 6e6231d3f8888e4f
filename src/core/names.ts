// Model and version names, checked the same way by the API (before it reads a pushed body), the
// control plane (before it stores anything) and the CLI (before it sends anything). They end up in
// URL paths, file names and metric labels, so the alphabet is kept to what is safe in all three.
import { MeridianError } from './errors.js';

/** Letters, digits, `_`, `.` and `-`; starts with a letter or digit; at most 64 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Longest model or version name. */
export const MAX_NAME_LENGTH = 64;

/**
 * Returns `value` when it is a valid model or version name.
 * @param field how the caller's user spells the field, e.g. `model` or `--version`
 * @throws MeridianError `INVALID_ARGUMENT` naming the field, the value and the rule
 */
export function checkName(field: string, value: string): string {
  if (NAME_PATTERN.test(value)) return value;
  const why =
    value === ''
      ? 'is empty'
      : value.length > MAX_NAME_LENGTH
        ? `is ${value.length} characters long (at most ${MAX_NAME_LENGTH})`
        : /^[A-Za-z0-9]/.test(value)
          ? `contains "${[...value].find((c) => !/[A-Za-z0-9_.-]/.test(c)) ?? ''}"`
          : 'does not start with a letter or digit';
  return fail(field, value, why);
}

function fail(field: string, value: string, why: string): never {
  throw new MeridianError('INVALID_ARGUMENT', `${field}: "${value}" ${why}; use letters, digits, "_", "." and "-", starting with a letter or digit, at most ${MAX_NAME_LENGTH} characters (e.g. iris, v2, 2024-06.1)`);
}
