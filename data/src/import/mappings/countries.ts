/**
 * Country names as the public data sets spell them → ISO 3166-1 alpha-2 code and the name we store.
 * Names that are not countries get user-assigned codes (ISO 3166 reserves XA–XZ and ZZ for that).
 */
const COUNTRIES: Record<string, [string, string]> = {
  argentina: ['AR', 'Argentina'],
  australia: ['AU', 'Australia'],
  austria: ['AT', 'Austria'],
  bahrain: ['BH', 'Bahrain'],
  belgium: ['BE', 'Belgium'],
  brazil: ['BR', 'Brazil'],
  canada: ['CA', 'Canada'],
  'channel islands': ['XC', 'Channel Islands'],
  cyprus: ['CY', 'Cyprus'],
  'czech republic': ['CZ', 'Czech Republic'],
  denmark: ['DK', 'Denmark'],
  eire: ['IE', 'Ireland'],
  ireland: ['IE', 'Ireland'],
  'european community': ['XE', 'European Community'],
  finland: ['FI', 'Finland'],
  france: ['FR', 'France'],
  germany: ['DE', 'Germany'],
  greece: ['GR', 'Greece'],
  'hong kong': ['HK', 'Hong Kong'],
  iceland: ['IS', 'Iceland'],
  israel: ['IL', 'Israel'],
  italy: ['IT', 'Italy'],
  japan: ['JP', 'Japan'],
  lebanon: ['LB', 'Lebanon'],
  lithuania: ['LT', 'Lithuania'],
  malta: ['MT', 'Malta'],
  mexico: ['MX', 'Mexico'],
  netherlands: ['NL', 'Netherlands'],
  norway: ['NO', 'Norway'],
  poland: ['PL', 'Poland'],
  portugal: ['PT', 'Portugal'],
  rsa: ['ZA', 'South Africa'],
  'south africa': ['ZA', 'South Africa'],
  'saudi arabia': ['SA', 'Saudi Arabia'],
  singapore: ['SG', 'Singapore'],
  spain: ['ES', 'Spain'],
  sweden: ['SE', 'Sweden'],
  switzerland: ['CH', 'Switzerland'],
  uk: ['GB', 'United Kingdom'],
  'united kingdom': ['GB', 'United Kingdom'],
  'united arab emirates': ['AE', 'United Arab Emirates'],
  usa: ['US', 'United States'],
  'united states': ['US', 'United States'],
  unspecified: ['ZZ', 'Unspecified'],
  venezuela: ['VE', 'Venezuela'],
};

/** Code and name of a country name, or null when it is not known (the row is then reported). */
export function country(name: string): [string, string] | null {
  return COUNTRIES[name.trim().toLowerCase()] ?? null;
}

/** The SQL VALUES list of the table, for set-based lookups. */
export function countriesValuesSql(): string {
  return Object.entries(COUNTRIES)
    .map(([k, [code, name]]) => `('${k.replace(/'/g, "''")}', '${code}', '${name.replace(/'/g, "''")}')`)
    .join(', ');
}
