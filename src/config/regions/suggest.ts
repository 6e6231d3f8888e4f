// "Did you mean …?" for region and edge names. The commonest slip with region codes is a
// separator: each provider punctuates differently (AWS us-east-1, GCP us-east1, Azure eastus), so
// adding or dropping a hyphen costs half an edit and the other providers' spelling comes up first.

const SEPARATOR_COST = 0.5;
/** At most this many suggestions; a longer list reads as noise. */
const MAX_SUGGESTIONS = 3;

/**
 * Edit distance between two names: optimal string alignment (Levenshtein plus swapping two
 * neighbouring characters, the commonest typing slip, as one edit), with hyphens inserted or
 * deleted at half cost.
 */
export function nameDistance(a: string, b: string): number {
  const indel = (c: string | undefined): number => (c === '-' ? SEPARATOR_COST : 1);
  // table[i * width + j] = distance between the first i characters of a and the first j of b.
  const width = b.length + 1;
  const table = new Float64Array((a.length + 1) * width);
  const cell = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      let d: number;
      if (i === 0 && j === 0) d = 0;
      else if (i === 0) d = cell(0, j - 1) + indel(b[j - 1]);
      else if (j === 0) d = cell(i - 1, 0) + indel(a[i - 1]);
      else {
        const same = a[i - 1] === b[j - 1];
        d = Math.min(
          cell(i - 1, j) + indel(a[i - 1]),
          cell(i, j - 1) + indel(b[j - 1]),
          cell(i - 1, j - 1) + (same ? 0 : 1),
        );
        if (!same && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, cell(i - 2, j - 2) + 1);
        }
      }
      table[i * width + j] = d;
    }
  }
  return cell(a.length, b.length);
}

/**
 * The known names closest to `input`, best first, at most three. Case, spaces and underscores in
 * the input are forgiven (`US_EAST_1` finds `us-east-1`). Only names within a distance that grows
 * with the input's length (a third of it, between 1 and 3 edits) are offered, so gibberish gets no
 * suggestion rather than a random one. Among those, the nearest are kept, plus, when the nearest
 * differ from the input only in separators, the names one separator further (`us-east1` offers
 * both `us-east1` and `us-east-1`).
 */
export function closestNames(input: string, known: Iterable<string>): string[] {
  const wanted = input.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  const scored: { name: string; d: number }[] = [];
  for (const name of known) {
    const d = nameDistance(wanted, name);
    if (d <= limit) scored.push({ name, d });
  }
  scored.sort((x, y) => x.d - y.d || x.name.localeCompare(y.name));
  const best = scored[0]?.d;
  if (best === undefined) return [];
  const slack = best < 1 ? SEPARATOR_COST : 0;
  return scored
    .filter((s) => s.d <= best + slack)
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.name);
}

/** `; did you mean a, b?` or the empty string, ready to append to an error message. */
export function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length === 0 ? '' : `; did you mean ${suggestions.join(', ')}?`;
}
