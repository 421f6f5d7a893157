import type {
  ChannelSwitches,
  NotificationCategory,
  NotificationPreferences,
  QuietHours,
} from '@muster/protocol';

/**
 * critical: pushed at once, also in quiet hours and past the caps (a change to a session I
 *   bookmarked that starts within 2 h, a DM, a promotion off the waitlist);
 * normal: the first of a group is pushed at once, what follows is summed into one later push;
 * low: waits for the hourly digest (one push per person for all their low items).
 */
export type NotificationPriority = 'critical' | 'normal' | 'low';

/** Defaults (E3): everything in the inbox; pushes on except marketing; e-mail for what matters. */
export const DEFAULT_SWITCHES: Record<NotificationCategory, ChannelSwitches> = {
  agenda: { push: true, email: true, inApp: true },
  announcements: { push: true, email: true, inApp: true },
  mentions: { push: true, email: true, inApp: true },
  dms: { push: true, email: true, inApp: true },
  social: { push: true, email: false, inApp: true },
  gamification: { push: true, email: false, inApp: true },
  marketing: { push: false, email: false, inApp: true },
};

export function switchesFor(prefs: NotificationPreferences | undefined, category: NotificationCategory) {
  return prefs?.categories[category] ?? DEFAULT_SWITCHES[category];
}

interface Delivery {
  /** Push TTL: a push the device has not fetched by then is dropped (never web-push's 4 weeks). */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Pushes per hour before the rest waits for the next summary. */
  capPerHour: number;
}

/** Per category: how long a push is worth delivering, how urgently, and how often at most. */
export const DELIVERY: Record<NotificationCategory, Delivery> = {
  dms: { ttlSeconds: 6 * 3600, urgency: 'high', capPerHour: 30 },
  agenda: { ttlSeconds: 2 * 3600, urgency: 'high', capPerHour: 12 },
  mentions: { ttlSeconds: 6 * 3600, urgency: 'normal', capPerHour: 12 },
  announcements: { ttlSeconds: 3 * 3600, urgency: 'normal', capPerHour: 6 },
  social: { ttlSeconds: 24 * 3600, urgency: 'low', capPerHour: 4 },
  gamification: { ttlSeconds: 24 * 3600, urgency: 'very-low', capPerHour: 2 },
  marketing: { ttlSeconds: 24 * 3600, urgency: 'very-low', capPerHour: 1 },
};

/**
 * Runs the notification clock this many times faster (NOTIFY_TIME_SCALE; 1 in production): the
 * busy-hour benchmark plays an hour in two minutes with every window and cap shrunk alike. The
 * critical coalescing (3 s) is not scaled: it is what critical latency is measured against.
 */
let timeScale = 1;
export function setNotifyTimeScale(scale: number): void {
  timeScale = scale;
}

/** The window of the hourly caps and digests ("an hour"), scaled. */
export const hourMs = () => 3_600_000 / timeScale;

/**
 * How long after a push the next push of the same group waits (what arrives meanwhile is summed
 * into it): a DM burst coalesces for 3 s, channel chatter for 10 minutes.
 */
export function coalesceMs(priority: NotificationPriority, category: NotificationCategory): number {
  if (priority === 'critical') return 3_000;
  if (priority === 'low') return (60 * 60_000) / timeScale;
  return (category === 'dms' || category === 'mentions' ? 60_000 : 10 * 60_000) / timeScale;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since midnight at `at` in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/**
 * When quiet hours covering `at` end, or null when `at` is outside them. Hours may span midnight
 * (22:00–07:00); equal start and end mean no quiet hours.
 */
export function quietUntil(quiet: QuietHours | null | undefined, at: Date): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const now = localMinutes(at, quiet.timezone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  const minutesLeft = (end - now + 24 * 60) % (24 * 60) || 24 * 60;
  // Whole minutes from now, to the start of the minute quiet hours end (a DST shift inside the
  // window moves the end by its hour; the item is then pushed an hour early or late, not lost).
  const ends = new Date(at.getTime() + minutesLeft * 60_000);
  ends.setUTCSeconds(0, 0);
  return ends;
}
