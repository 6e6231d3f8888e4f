// Where routers can run, as plain data checked by loadEdgeCatalog: large metros on every inhabited
// continent, chosen so each region in the catalog has an edge near it and one far from it.
// Coordinates are city centres (~0.01°).

/** The built-in edge locations, unvalidated; load with `loadEdgeCatalog()`. */
export const edgesData: readonly unknown[] = [
  { name: 'new-york', city: 'New York', country: 'US', latitude: 40.71, longitude: -74.01 },
  { name: 'chicago', city: 'Chicago', country: 'US', latitude: 41.88, longitude: -87.63 },
  { name: 'dallas', city: 'Dallas', country: 'US', latitude: 32.78, longitude: -96.80 },
  { name: 'san-francisco', city: 'San Francisco', country: 'US', latitude: 37.77, longitude: -122.42 },
  { name: 'toronto', city: 'Toronto', country: 'CA', latitude: 43.65, longitude: -79.38 },
  { name: 'sao-paulo', city: 'São Paulo', country: 'BR', latitude: -23.55, longitude: -46.63 },
  { name: 'london', city: 'London', country: 'GB', latitude: 51.51, longitude: -0.13 },
  { name: 'paris', city: 'Paris', country: 'FR', latitude: 48.86, longitude: 2.35 },
  { name: 'frankfurt', city: 'Frankfurt', country: 'DE', latitude: 50.11, longitude: 8.68 },
  { name: 'stockholm', city: 'Stockholm', country: 'SE', latitude: 59.33, longitude: 18.07 },
  { name: 'johannesburg', city: 'Johannesburg', country: 'ZA', latitude: -26.20, longitude: 28.05 },
  { name: 'dubai', city: 'Dubai', country: 'AE', latitude: 25.20, longitude: 55.27 },
  { name: 'mumbai', city: 'Mumbai', country: 'IN', latitude: 19.08, longitude: 72.88 },
  { name: 'singapore', city: 'Singapore', country: 'SG', latitude: 1.35, longitude: 103.82 },
  { name: 'hong-kong', city: 'Hong Kong', country: 'HK', latitude: 22.32, longitude: 114.17 },
  { name: 'seoul', city: 'Seoul', country: 'KR', latitude: 37.57, longitude: 126.98 },
  { name: 'tokyo', city: 'Tokyo', country: 'JP', latitude: 35.68, longitude: 139.69 },
  { name: 'sydney', city: 'Sydney', country: 'AU', latitude: -33.87, longitude: 151.21 },
];
