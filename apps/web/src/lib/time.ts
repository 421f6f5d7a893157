/**
 * Dates shown and entered in the event's own time zone (an IANA name), whatever the device's zone:
 * a session at 09:00 in Berlin reads 09:00 on every attendee's phone.
 *
 * Every time the app shows goes through `formatTime`/`formatDay` in the reader's own locale, so
 * chat and agenda agree on 12- or 24-hour clocks (the locale decides; `locale` is for tests).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Parts are read in a fixed locale and clock; display uses the reader's (`locale` undefined). */
const PARTS_LOCALE = 'en-GB';

function formatter(
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  locale: string | undefined = undefined,
): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

const twelveHourClocks = new Map<string, boolean>();
/** Whether the locale reads a 12-hour clock (then `9:00 AM`, not `09:00 AM`). */
function usesTwelveHours(locale?: string): boolean {
  const key = locale ?? '';
  let twelve = twelveHourClocks.get(key);
  if (twelve === undefined) {
    const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
    twelve = cycle === 'h12' || cycle === 'h11';
    twelveHourClocks.set(key, twelve);
  }
  return twelve;
}

/** The clock time of an instant in a zone (`09:00`, or `9:00 AM` where the locale says so). */
export const formatTime = (iso: string, timeZone: string, locale?: string) =>
  formatter(
    timeZone,
    { hour: usesTwelveHours(locale) ? 'numeric' : '2-digit', minute: '2-digit' },
    locale,
  ).format(new Date(iso));

export const formatDay = (iso: string, timeZone: string, locale?: string) =>
  formatter(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }, locale).format(new Date(iso));

export const formatDateTime = (iso: string, timeZone: string, locale?: string) =>
  `${formatDay(iso, timeZone, locale)}, ${formatTime(iso, timeZone, locale)}`;

/** Wall-clock parts of an instant in a zone. */
function parts(date: Date, timeZone: string) {
  const values: Record<string, string> = {};
  for (const part of formatter(
    timeZone,
    {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    },
    PARTS_LOCALE,
  ).formatToParts(date))
    values[part.type] = part.value;
  return values as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** `YYYY-MM-DD` of the instant in the zone: the key agendas group days by. */
export function dayKey(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The value of an `<input type="datetime-local">` showing the instant in the zone. */
export function toLocalInput(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), timeZone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * The instant a wall-clock time in the zone names. The zone's offset is read at a first guess and
 * again at the corrected time, which settles it on either side of a daylight-saving change.
 */
export function fromLocalInput(value: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) throw new Error(`Not a date and time: ${value}`);
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  const offsetAt = (instant: number) => {
    const p = parts(new Date(instant), timeZone);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - instant;
  };
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  return new Date(instant).toISOString();
}

/** Names the runtime may give Coordinated Universal Time; the app calls it `UTC` everywhere. */
const UTC_ALIASES = new Set([
  'utc',
  'etc/utc',
  'etc/uct',
  'uct',
  'etc/gmt',
  'gmt',
  'etc/universal',
  'universal',
  'etc/zulu',
  'zulu',
  'etc/gmt0',
  'gmt0',
  'etc/gmt+0',
  'etc/gmt-0',
  'greenwich',
  'etc/greenwich',
]);

/** `UTC` for any spelling of it, the zone itself otherwise. */
export const normaliseTimeZone = (zone: string) => (UTC_ALIASES.has(zone.toLowerCase()) ? 'UTC' : zone);

/** The device's zone, the default for a new event (`UTC` when the device runs on UTC, by that name). */
export const deviceTimeZone = (resolved = Intl.DateTimeFormat().resolvedOptions().timeZone) =>
  resolved ? normaliseTimeZone(resolved) : 'UTC';

/**
 * The zones a time-zone picker offers: UTC first, then the runtime's list, and the current choice
 * whatever it is. Browsers leave UTC out of `Intl.supportedValuesOf`, which made a select on a UTC
 * device fall back to its first entry (Africa/Abidjan).
 */
export function timeZoneChoices(supported: readonly string[], current: string): string[] {
  const rest = supported.filter((zone) => normaliseTimeZone(zone) !== 'UTC');
  const choices = ['UTC', ...rest];
  if (!choices.includes(current)) choices.splice(1, 0, current);
  return choices;
}
