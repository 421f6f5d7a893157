import { TZDate, tzOffset } from '@date-fns/tz';
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

const DAY_AND_A_BIT_MS = 26 * 3600_000;

/**
 * True when the wall time of `date` in `zone` happens twice (the hour repeated when clocks go back):
 * the same wall time under the offset in force a day before or after is also a real instant.
 */
export function isRepeatedWallTime(date: Date, zone: string): boolean {
  const t = date.getTime();
  const offset = tzOffset(zone, date);
  for (const probe of [t - DAY_AND_A_BIT_MS, t + DAY_AND_A_BIT_MS]) {
    const other = tzOffset(zone, new Date(probe));
    if (other === offset) continue;
    if (tzOffset(zone, new Date(t + (offset - other) * 60_000)) === other) return true;
  }
  return false;
}

/**
 * DTSTART/DTEND for ical-generator. Wall time with TZID (the zone's VTIMEZONE ships alongside) keeps
 * "19:00 Berlin" right after rule changes, but a wall time in the repeated autumn hour cannot say
 * which of its two instants it is (RFC 5545 reads it as the first), so such times, and zones without
 * a VTIMEZONE, are written in UTC. `TZDate`s because ical-generator formats a plain `Date` in the
 * process's zone.
 */
export function calendarTimes(
  start: Date,
  end: Date,
  zone: string,
): { start: Date; end: Date; timezone: string | null } {
  const tzid = vtimezoneOf(zone)?.tzid ?? null;
  if (!tzid || isRepeatedWallTime(start, tzid) || isRepeatedWallTime(end, tzid))
    return { start, end, timezone: null };
  return { start: new TZDate(start.getTime(), tzid), end: new TZDate(end.getTime(), tzid), timezone: tzid };
}
