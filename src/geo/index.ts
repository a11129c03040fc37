/** GeoIP adapter: a MaxMind DB city database as a `GeoLookup` (docs/detection.md). */
export { geoLookupOf, openGeoLookup } from './open-geo-lookup.js';
