// Geolocation routing (Route 53's "geolocation" policy): where the client is (its country, else
// its continent) picks the regions allowed to serve it. As in Route 53, the most specific rule
// wins, and a client that matches no rule gets no answer unless there is a default `*` rule.
import { MeridianError } from '../../core/errors.js';
import { CONTINENTS, type Continent } from '../../core/regions.js';
import { continentOf, findCountry } from '../../config/countries.js';
import type { PolicyContext, RoutingPolicy } from './policy.js';
import { healthyFirst, uniqueCandidates } from './ranking.js';

/** A parsed rule `match`: `country:DE`, `continent:EU` or `*` (everyone else). */
export type GeoMatch =
  | { readonly kind: 'country'; readonly code: string }
  | { readonly kind: 'continent'; readonly code: Continent }
  | { readonly kind: 'default' };

/** One geolocation rule as written in a policy spec. */
export interface GeolocationRule {
  readonly match: string;
  readonly regions: readonly string[];
}

const FORMS = '"country:DE", "continent:EU" (AF AS EU NA OC SA) or "*"';

/**
 * Parses a rule's `match`. `field` names it in errors, e.g. `policy.rules[2].match`.
 *
 * @throws MeridianError `INVALID_ARGUMENT` naming the field, what is wrong and the form to use.
 */
export function parseGeoMatch(match: unknown, field: string): GeoMatch {
  const fail = (problem: string): never => {
    throw new MeridianError('INVALID_ARGUMENT', `${field}: ${problem}`, { field, match });
  };
  if (typeof match !== 'string') return fail(`expected a string: ${FORMS}`);
  if (match === '*') return { kind: 'default' };
  const m = /^(country|continent):(.*)$/.exec(match.trim());
  if (m === null) {
    const hint = /^[A-Za-z]{2}$/.test(match) ? `; for a country write "country:${match.toUpperCase()}"` : '';
    return fail(`"${match}" is not a rule match: write ${FORMS}${hint}`);
  }
  const [, kind = '', code = ''] = m;
  if (code !== code.toUpperCase()) return fail(`"${match}": write the code in capitals: "${kind}:${code.toUpperCase()}"`);
  if (kind === 'continent') {
    if (code === 'AN') return fail('"continent:AN": no cloud region is in Antarctica; clients there match "country:AQ" or "*"');
    if (!(CONTINENTS as readonly string[]).includes(code)) return fail(`"${match}": ${code} is not a continent code; use one of ${CONTINENTS.join(' ')}`);
    return { kind: 'continent', code: code as Continent };
  }
  if (findCountry(code) === undefined) {
    const uk = code === 'UK' ? '; the United Kingdom is "country:GB"' : '';
    return fail(`"${match}": ${code} is not an ISO 3166-1 alpha-2 country code${uk || '; use two letters such as DE or US'}`);
  }
  return { kind: 'country', code };
}

/** A key that is equal for two matches exactly when they match the same clients. */
export function geoMatchKey(m: GeoMatch): string {
  return m.kind === 'default' ? '*' : `${m.kind}:${m.code}`;
}

/**
 * Allowed regions by the client's most specific match: a `country:` rule beats a `continent:`
 * rule, which beats `*`. The matched rule's regions are returned in the rule's order, which is the
 * operator's preference (list a second region in the rule for failover), healthy ones first.
 * Regions in the rule that are not candidates are skipped. No match and no `*` gives [] (Route 53
 * answers no records); the router turns that into a clear error for the client.
 *
 * @throws MeridianError `INVALID_ARGUMENT` if a rule's match is malformed (see {@link parseGeoMatch}).
 */
export function geolocationPolicy(rules: readonly GeolocationRule[]): RoutingPolicy {
  const byKey = new Map<string, readonly string[]>();
  rules.forEach((rule, i) => {
    const key = geoMatchKey(parseGeoMatch(rule.match, `policy.rules[${i}].match`));
    // validatePolicySpec rejects duplicates; should one slip through, the first rule wins.
    if (!byKey.has(key)) byKey.set(key, rule.regions);
  });
  return {
    type: 'geolocation',
    order(ctx: PolicyContext): string[] {
      const { country } = ctx.client;
      const continent = ctx.client.continent ?? (country !== undefined ? continentOf(country) : undefined);
      const allowed =
        (country !== undefined ? byKey.get(`country:${country}`) : undefined) ??
        (continent !== undefined ? byKey.get(`continent:${continent}`) : undefined) ??
        byKey.get('*') ??
        [];
      const byRegion = new Map(uniqueCandidates(ctx.candidates).map((c) => [c.region, c]));
      const listed = [...new Set(allowed)].flatMap((code) => {
        const c = byRegion.get(code);
        return c ? [c] : [];
      });
      return healthyFirst(listed);
    },
  };
}
