// Azure regions as plain data, checked by loadRegionCatalog. Codes are Azure's programmatic
// location names (`az account list-locations`); coordinates are the metro area (~0.01°). Azure
// publishes only "Virginia" for East US and East US 2; both are placed at Boydton, where Azure's
// own location metadata puts East US 2.
//
// Zone naming (ours; Azure has no zone names, only numbers): Azure numbers availability zones 1 to
// 3 within a region, so zone N of `eastus` is `eastus-N`, matching the `region-suffix` shape of the
// other providers. A region without availability zones (westcentralus, ukwest) gets exactly one
// zone, `<region>-0`: Azure never numbers a zone 0, so the name cannot collide with a real zone and
// says plainly that the whole region is a single failure domain.

/** Azure regions. */
export const azureRegionData: readonly unknown[] = [
  { code: 'eastus', provider: 'azure', city: 'Boydton', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 36.67, longitude: -78.39, zones: ['eastus-1', 'eastus-2', 'eastus-3'] },
  { code: 'eastus2', provider: 'azure', city: 'Boydton', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 36.67, longitude: -78.39, zones: ['eastus2-1', 'eastus2-2', 'eastus2-3'] },
  { code: 'centralus', provider: 'azure', city: 'Des Moines', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 41.59, longitude: -93.62, zones: ['centralus-1', 'centralus-2', 'centralus-3'] },
  { code: 'southcentralus', provider: 'azure', city: 'San Antonio', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 29.42, longitude: -98.49, zones: ['southcentralus-1', 'southcentralus-2', 'southcentralus-3'] },
  { code: 'westus2', provider: 'azure', city: 'Quincy', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 47.23, longitude: -119.85, zones: ['westus2-1', 'westus2-2', 'westus2-3'] },
  { code: 'westus3', provider: 'azure', city: 'Phoenix', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 33.45, longitude: -112.07, zones: ['westus3-1', 'westus3-2', 'westus3-3'] },
  { code: 'westcentralus', provider: 'azure', city: 'Cheyenne', country: 'US', continent: 'NA', jurisdiction: 'US',
    latitude: 41.14, longitude: -104.82, zones: ['westcentralus-0'] },
  { code: 'canadacentral', provider: 'azure', city: 'Toronto', country: 'CA', continent: 'NA', jurisdiction: 'CA',
    latitude: 43.65, longitude: -79.38, zones: ['canadacentral-1', 'canadacentral-2', 'canadacentral-3'] },
  { code: 'brazilsouth', provider: 'azure', city: 'São Paulo', country: 'BR', continent: 'SA', jurisdiction: 'BR',
    latitude: -23.55, longitude: -46.63, zones: ['brazilsouth-1', 'brazilsouth-2', 'brazilsouth-3'] },
  { code: 'northeurope', provider: 'azure', city: 'Dublin', country: 'IE', continent: 'EU', jurisdiction: 'EU',
    latitude: 53.35, longitude: -6.26, zones: ['northeurope-1', 'northeurope-2', 'northeurope-3'] },
  { code: 'westeurope', provider: 'azure', city: 'Amsterdam', country: 'NL', continent: 'EU', jurisdiction: 'EU',
    latitude: 52.37, longitude: 4.90, zones: ['westeurope-1', 'westeurope-2', 'westeurope-3'] },
  { code: 'uksouth', provider: 'azure', city: 'London', country: 'GB', continent: 'EU', jurisdiction: 'UK',
    latitude: 51.51, longitude: -0.13, zones: ['uksouth-1', 'uksouth-2', 'uksouth-3'] },
  { code: 'ukwest', provider: 'azure', city: 'Cardiff', country: 'GB', continent: 'EU', jurisdiction: 'UK',
    latitude: 51.48, longitude: -3.18, zones: ['ukwest-0'] },
  { code: 'francecentral', provider: 'azure', city: 'Paris', country: 'FR', continent: 'EU', jurisdiction: 'EU',
    latitude: 48.86, longitude: 2.35, zones: ['francecentral-1', 'francecentral-2', 'francecentral-3'] },
  { code: 'germanywestcentral', provider: 'azure', city: 'Frankfurt', country: 'DE', continent: 'EU', jurisdiction: 'EU',
    latitude: 50.11, longitude: 8.68, zones: ['germanywestcentral-1', 'germanywestcentral-2', 'germanywestcentral-3'] },
  { code: 'switzerlandnorth', provider: 'azure', city: 'Zurich', country: 'CH', continent: 'EU', jurisdiction: 'CH',
    latitude: 47.37, longitude: 8.54, zones: ['switzerlandnorth-1', 'switzerlandnorth-2', 'switzerlandnorth-3'] },
  { code: 'swedencentral', provider: 'azure', city: 'Gävle', country: 'SE', continent: 'EU', jurisdiction: 'EU',
    latitude: 60.67, longitude: 17.14, zones: ['swedencentral-1', 'swedencentral-2', 'swedencentral-3'] },
  { code: 'norwayeast', provider: 'azure', city: 'Oslo', country: 'NO', continent: 'EU', jurisdiction: 'NO',
    latitude: 59.91, longitude: 10.75, zones: ['norwayeast-1', 'norwayeast-2', 'norwayeast-3'] },
  { code: 'polandcentral', provider: 'azure', city: 'Warsaw', country: 'PL', continent: 'EU', jurisdiction: 'EU',
    latitude: 52.23, longitude: 21.01, zones: ['polandcentral-1', 'polandcentral-2', 'polandcentral-3'] },
  { code: 'italynorth', provider: 'azure', city: 'Milan', country: 'IT', continent: 'EU', jurisdiction: 'EU',
    latitude: 45.46, longitude: 9.19, zones: ['italynorth-1', 'italynorth-2', 'italynorth-3'] },
  { code: 'japaneast', provider: 'azure', city: 'Tokyo', country: 'JP', continent: 'AS', jurisdiction: 'JP',
    latitude: 35.68, longitude: 139.69, zones: ['japaneast-1', 'japaneast-2', 'japaneast-3'] },
  { code: 'koreacentral', provider: 'azure', city: 'Seoul', country: 'KR', continent: 'AS', jurisdiction: 'KR',
    latitude: 37.57, longitude: 126.98, zones: ['koreacentral-1', 'koreacentral-2', 'koreacentral-3'] },
  { code: 'southeastasia', provider: 'azure', city: 'Singapore', country: 'SG', continent: 'AS', jurisdiction: 'SG',
    latitude: 1.35, longitude: 103.82, zones: ['southeastasia-1', 'southeastasia-2', 'southeastasia-3'] },
  { code: 'eastasia', provider: 'azure', city: 'Hong Kong', country: 'HK', continent: 'AS', jurisdiction: 'HK',
    latitude: 22.32, longitude: 114.17, zones: ['eastasia-1', 'eastasia-2', 'eastasia-3'] },
  { code: 'australiaeast', provider: 'azure', city: 'Sydney', country: 'AU', continent: 'OC', jurisdiction: 'AU',
    latitude: -33.87, longitude: 151.21, zones: ['australiaeast-1', 'australiaeast-2', 'australiaeast-3'] },
  { code: 'centralindia', provider: 'azure', city: 'Pune', country: 'IN', continent: 'AS', jurisdiction: 'IN',
    latitude: 18.52, longitude: 73.86, zones: ['centralindia-1', 'centralindia-2', 'centralindia-3'] },
  { code: 'southafricanorth', provider: 'azure', city: 'Johannesburg', country: 'ZA', continent: 'AF', jurisdiction: 'ZA',
    latitude: -26.20, longitude: 28.05, zones: ['southafricanorth-1', 'southafricanorth-2', 'southafricanorth-3'] },
  { code: 'uaenorth', provider: 'azure', city: 'Dubai', country: 'AE', continent: 'AS', jurisdiction: 'AE',
    latitude: 25.20, longitude: 55.27, zones: ['uaenorth-1', 'uaenorth-2', 'uaenorth-3'] },
  { code: 'qatarcentral', provider: 'azure', city: 'Doha', country: 'QA', continent: 'AS', jurisdiction: 'QA',
    latitude: 25.29, longitude: 51.53, zones: ['qatarcentral-1', 'qatarcentral-2', 'qatarcentral-3'] },
];
