import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadEdgeCatalog, requireEdge } from '../../src/config/regions/edges.js';
import { loadRegionCatalog } from '../../src/config/regions/catalog.js';
import { isMeridianError } from '../../src/core/errors.js';
import { greatCircleKm } from '../../src/core/geo.js';

describe('the built-in edge catalog', () => {
  const edges = loadEdgeCatalog();

  it('loads named places on every inhabited continent', () => {
    const names = edges.all().map((e) => e.name);
    for (const name of ['new-york', 'london', 'frankfurt', 'singapore', 'tokyo', 'sydney', 'sao-paulo', 'mumbai', 'san-francisco', 'johannesburg']) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(new Set(names).size, names.length);
  });

  it('has a region within 1,000 km of every edge', () => {
    const regions = loadRegionCatalog().all();
    for (const edge of edges.all()) {
      const nearest = Math.min(...regions.map((r) => greatCircleKm(edge, r)));
      assert.ok(nearest < 1000, `${edge.name}: nearest region is ${Math.round(nearest)} km away`);
    }
  });

  it('requireEdge finds an edge and suggests on a typo', () => {
    assert.equal(requireEdge('sao-paulo').country, 'BR');
    assert.throws(
      () => requireEdge('londn'),
      (e) =>
        isMeridianError(e, 'EDGE_UNKNOWN') &&
        e.message.startsWith('unknown edge "londn"; did you mean london? Known edges: new-york,') &&
        JSON.stringify(e.details?.suggestions) === '["london"]',
    );
    assert.deepEqual(edges.suggest('Sao Paulo'), ['sao-paulo']);
    assert.deepEqual(edges.suggest('newyork'), ['new-york']);
    assert.equal(edges.get('atlantis'), undefined);
  });
});

describe('loadEdgeCatalog validation', () => {
  const good = { name: 'paris', city: 'Paris', country: 'FR', latitude: 48.86, longitude: 2.35 };
  const cases: [string, Record<string, unknown>, string][] = [
    ['name with capitals', { ...good, name: 'Paris' }, 'name'],
    ['latitude out of range', { ...good, latitude: -91 }, 'latitude'],
    ['longitude missing', { ...good, longitude: undefined }, 'longitude'],
    ['country not ISO', { ...good, country: 'France' }, 'country'],
    ['unknown field', { ...good, region: 'eu-west-3' }, 'region'],
  ];
  for (const [name, entry, field] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => loadEdgeCatalog([entry]),
        (e) => isMeridianError(e, 'CATALOG_INVALID') && e.details?.field === field && e.message.startsWith(`edge catalog entry #0`),
      );
    });
  }

  it('rejects a duplicate name', () => {
    assert.throws(
      () => loadEdgeCatalog([good, good]),
      (e) => isMeridianError(e, 'CATALOG_INVALID') && /entry #1 \("paris"\): name "paris" is used twice/.test(e.message),
    );
  });
});
