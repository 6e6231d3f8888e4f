// Plain-text tables: a header row and columns padded to their widest cell, two spaces apart,
// as `kubectl get` prints them. No borders, so the output greps and cuts well.

/** Column alignment; numbers read best right-aligned. */
export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

/** Display width of a cell, ignoring ANSI colour codes. */
export function visibleWidth(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

function pad(s: string, width: number, align: Align): string {
  const gap = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'right' ? gap + s : s + gap;
}

/** The table as lines, without trailing spaces. */
export function formatTable(columns: readonly (Column | string)[], rows: readonly (readonly string[])[]): string[] {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const widths = cols.map((c, i) => Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cols
      .map((c, i) => pad(cells[i] ?? '', widths[i] ?? 0, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), ...rows.map(line)];
}
