import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

/**
 * Zone names by lower-cased spelling. The runtime's list uses ICU's legacy canonical names
 * (`Asia/Calcutta`); the VTIMEZONE library knows current IANA names and links (`Asia/Kolkata`,
 * `US/Eastern`), so a client's correct spelling is kept rather than rewritten.
 */
const zones = new Map<string, string>();
for (const zone of Intl.supportedValuesOf('timeZone')) zones.set(zone.toLowerCase(), zone);
for (const zone of tzlib_get_timezones() as string[])
  if (!zones.has(zone.toLowerCase())) zones.set(zone.toLowerCase(), zone);

/**
 * The IANA name of `name` in its proper spelling (`europe/berlin` → `Europe/Berlin`), or null when
 * the runtime cannot compute local times in it. Offsets such as `+01:00` are refused: an event's
 * time zone must follow daylight-saving rules, which only a named zone has.
 */
export function canonicalTimeZone(name: string): string | null {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const known = zones.get(name.toLowerCase()) ?? zones.get(resolved.toLowerCase());
  return known ?? (/^[A-Za-z]/.test(resolved) ? resolved : null);
}

/**
 * The VTIMEZONE for `zone` and the TZID it declares (the library answers links with their target:
 * `Asia/Calcutta` → `Asia/Kolkata`); DTSTART must name that same TZID. Null when unknown.
 */
export function vtimezoneOf(zone: string): { tzid: string; block: string } | null {
  if (zone === 'UTC' || !zones.has(zone.toLowerCase())) return null;
  const result = tzlib_get_ical_block(zone);
  if (!Array.isArray(result) || !result[0] || !result[1]?.startsWith('TZID=')) return null;
  return { block: result[0], tzid: result[1].slice('TZID='.length) };
}
