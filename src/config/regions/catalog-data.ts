// The built-in region catalog: every provider's regions, as plain data. It is input like any other
// and is validated by loadRegionCatalog, so the same checks guard a future user-supplied catalog.
import { awsRegionData } from './aws-data.js';
import { azureRegionData } from './azure-data.js';
import { gcpRegionData } from './gcp-data.js';

/** Real AWS, Google Cloud and Azure regions, unvalidated; load with `loadRegionCatalog()`. */
export const catalogData: readonly unknown[] = [...awsRegionData, ...gcpRegionData, ...azureRegionData];
