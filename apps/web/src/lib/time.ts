/**
 * Dates shown and entered in the event's own time zone (an IANA name), whatever the device's zone:
 * a session at 09:00 in Berlin reads 09:00 on every attendee's phone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

export const formatTime = (iso: string, timeZone: string) =>
  formatter(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

export const formatDay = (iso: string, timeZone: string) =>
  formatter(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso));

export const formatDateTime = (iso: string, timeZone: string) =>
  `${formatDay(iso, timeZone)}, ${formatTime(iso, timeZone)}`;

/** Wall-clock parts of an instant in a zone. */
function parts(date: Date, timeZone: string) {
  const values: Record<string, string> = {};
  for (const part of formatter(timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date))
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

/** The device's zone, the default for a new event. */
export const deviceTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
