// The edge catalog: named places where routers run. Same shape and same strictness as the region
// catalog, so `--edge londn` fails the same helpful way `--regions us-west-9` does.
import { MeridianError } from '../../core/errors.js';
import type { EdgeLocation } from '../../core/regions.js';
import { edgesData } from './edges-data.js';
import { EntryReader } from './entry-reader.js';
import { closestNames, didYouMean } from './suggest.js';

/** The known edge locations. Immutable; build one with {@link loadEdgeCatalog}. */
export interface EdgeCatalog {
  /** Every edge, in catalog order. */
  all(): readonly EdgeLocation[];
  /** The edge with exactly this name, or undefined. */
  get(name: string): EdgeLocation | undefined;
  /**
   * The edge with this name.
   * @throws MeridianError `EDGE_UNKNOWN` with suggestions (`details.suggestions`) and the known names.
   */
  require(name: string): EdgeLocation;
  /** Up to three known names closest to `name`, best first; [] if none is close. */
  suggest(name: string): string[];
}

const FIELDS = ['name', 'city', 'country', 'latitude', 'longitude'];

/**
 * Validates edge data (the built-in list by default) and indexes it.
 *
 * @throws MeridianError `CATALOG_INVALID` naming the entry, the field and the fix.
 */
export function loadEdgeCatalog(data: unknown = edgesData): EdgeCatalog {
  if (!Array.isArray(data) || data.length === 0) {
    throw new MeridianError('CATALOG_INVALID', 'edge catalog: expected a non-empty list of edges');
  }
  const edges: EdgeLocation[] = [];
  const byName = new Map<string, EdgeLocation>();
  data.forEach((raw: unknown, index) => {
    const entry = new EntryReader('edge catalog', index, raw, 'name');
    entry.onlyFields(FIELDS);
    const edge: EdgeLocation = Object.freeze({
      name: entry.string('name', /^[a-z]+(-[a-z]+)*$/, 'expected lower-case words joined by hyphens, e.g. sao-paulo'),
      city: entry.string('city'),
      country: entry.string('country', /^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code in capitals, e.g. DE'),
      latitude: entry.number('latitude', -90, 90),
      longitude: entry.number('longitude', -180, 180),
    });
    if (byName.has(edge.name)) entry.fail('name', `"${edge.name}" is used twice; edge names must be unique`);
    edges.push(edge);
    byName.set(edge.name, edge);
  });
  const names = edges.map((e) => e.name);
  const suggest = (name: string): string[] => closestNames(name, names);
  return {
    all: () => edges,
    get: (name) => byName.get(name),
    require(name) {
      const edge = byName.get(name);
      if (edge) return edge;
      const suggestions = suggest(name);
      // The list is short, so the message carries all of it instead of pointing elsewhere.
      throw new MeridianError(
        'EDGE_UNKNOWN',
        `unknown edge "${name}"${didYouMean(suggestions) || '.'} Known edges: ${names.join(', ')}.`,
        { name, suggestions },
      );
    },
    suggest,
  };
}

let builtIn: EdgeCatalog | undefined;

/**
 * The built-in edge with this name (the built-in catalog is validated on first use).
 * @throws MeridianError `EDGE_UNKNOWN` with suggestions.
 */
export function requireEdge(name: string): EdgeLocation {
  builtIn ??= loadEdgeCatalog();
  return builtIn.require(name);
}
