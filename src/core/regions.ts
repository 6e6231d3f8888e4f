// Places: cloud regions, their zones and the law that governs them. Types and fixed lists only;
// the catalog of real regions is data in config/regions/ and is validated when it is loaded.

/** The clouds whose region names Meridian understands. Local regions borrow these names. */
export const CLOUD_PROVIDERS = ['aws', 'gcp', 'azure'] as const;
/** A cloud provider, spelled as in region manifests and on the command line. */
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

/**
 * Continents as two-letter codes (the codes GeoNames uses). Antarctica has no cloud region, so it is
 * left out. The Middle East counts as Asia.
 */
export const CONTINENTS = ['AF', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;
/** A continent: AF Africa, AS Asia, EU Europe, NA North America, OC Oceania, SA South America. */
export type Continent = (typeof CONTINENTS)[number];

/**
 * Legal orders that data-residency rules are written against. Every value except two is the
 * ISO 3166-1 alpha-2 code of a country whose own law applies:
 *
 * - `EU` means the law of the EU member states (GDPR applies directly). It covers the 27 member
 *   states in {@link EU_MEMBER_STATES} and nothing else.
 * - `UK` means the law of the United Kingdom (UK GDPR and the Data Protection Act 2018). The UK
 *   left the EU in 2020: it is NOT `EU`. Its ISO country code is `GB`, but `UK` is the name
 *   people write in policies, so the jurisdiction keeps it.
 *
 * `CH` (Switzerland, revised FADP) and `NO` (Norway, GDPR through the EEA Agreement) are in
 * Europe but are NOT EU member states, so a rule "EU only" must not place data there.
 */
export const JURISDICTIONS = [
  'US', 'CA', 'BR', 'CL',
  'EU', 'UK', 'CH', 'NO',
  'JP', 'KR', 'SG', 'HK', 'TW', 'IN', 'ID',
  'AU',
  'ZA', 'AE', 'BH', 'QA',
] as const;
/** A legal order for data residency; see {@link JURISDICTIONS} for what `EU` and `UK` mean. */
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** ISO 3166-1 alpha-2 codes of the 27 EU member states (since the UK left on 31 January 2020). */
export const EU_MEMBER_STATES: readonly string[] = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
];

/**
 * The jurisdiction whose law governs data stored in a country (ISO 3166-1 alpha-2), or undefined
 * when Meridian knows no region there. The catalog loader uses it to catch a region filed under
 * the wrong law, e.g. Zurich marked `EU`.
 */
export function jurisdictionOfCountry(country: string): Jurisdiction | undefined {
  if (EU_MEMBER_STATES.includes(country)) return 'EU';
  if (country === 'GB') return 'UK';
  return (JURISDICTIONS as readonly string[]).includes(country) && country !== 'EU'
    ? (country as Jurisdiction)
    : undefined;
}

/** A point on the Earth in decimal degrees (WGS 84): latitude in [-90, 90], longitude in [-180, 180]. */
export interface LatLon {
  readonly latitude: number;
  readonly longitude: number;
}

/**
 * A failure domain inside a region; replicas spread across zones. Named as the provider names it:
 * `us-east-1a` (AWS), `us-central1-a` (GCP), `eastus-1` (Azure; `ukwest-0` for a region without
 * availability zones, where the whole region is one failure domain).
 */
export interface Zone {
  readonly name: string;
}

/**
 * A cloud region: where a model can be deployed. A Region is a {@link LatLon}, so it can be passed
 * straight to the distance functions in `geo.ts`.
 */
export interface Region extends LatLon {
  /** The provider's own name for it: `us-east-1`, `europe-west1`, `westeurope`. Unique across providers. */
  readonly code: string;
  readonly provider: CloudProvider;
  /** The metro area the region serves from, e.g. `Frankfurt`. */
  readonly city: string;
  /** ISO 3166-1 alpha-2, e.g. `GB` for London (whose jurisdiction is `UK`). */
  readonly country: string;
  readonly continent: Continent;
  readonly jurisdiction: Jurisdiction;
  /** Zone names, at least one, each starting with the region code. */
  readonly zones: readonly string[];
}

/** A place where a router instance runs and from where clients' latency to regions is measured. */
export interface EdgeLocation extends LatLon {
  /** Lower-case, hyphenated: `new-york`, `sao-paulo`. */
  readonly name: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}
