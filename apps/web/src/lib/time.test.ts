import { describe, expect, it } from 'vitest';
import {
  deviceTimeZone,
  formatDateTime,
  formatTime,
  fromLocalInput,
  normaliseTimeZone,
  timeZoneChoices,
  toLocalInput,
} from './time.ts';

describe('formatTime', () => {
  const nine = '2026-06-01T07:00:00.000Z'; // 09:00 in Berlin (summer time)

  it('shows the instant in the given zone, in the reader’s locale', () => {
    expect(formatTime(nine, 'Europe/Berlin', 'en-GB')).toBe('09:00');
    expect(formatTime(nine, 'UTC', 'en-GB')).toBe('07:00');
    expect(formatTime(nine, 'Europe/Berlin', 'de-DE')).toBe('09:00');
  });

  it('lets the locale choose the clock, the same for chat and agenda', () => {
    expect(formatTime('2026-06-01T15:30:00.000Z', 'UTC', 'en-US')).toMatch(/^3:30\sPM$/);
    expect(formatTime('2026-06-01T15:30:00.000Z', 'UTC', 'en-GB')).toBe('15:30');
  });

  it('puts day and time together', () => {
    expect(formatDateTime(nine, 'Europe/Berlin', 'en-GB')).toBe('Mon 1 Jun, 09:00');
  });
});

describe('deviceTimeZone', () => {
  it('names UTC as UTC, whatever the runtime calls it', () => {
    for (const alias of ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Zulu'])
      expect(deviceTimeZone(alias)).toBe('UTC');
  });

  it('keeps a real zone, and falls back to UTC when the runtime names none', () => {
    expect(deviceTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(deviceTimeZone('')).toBe('UTC');
    expect(normaliseTimeZone('Africa/Abidjan')).toBe('Africa/Abidjan');
  });
});

describe('timeZoneChoices', () => {
  const supported = ['Africa/Abidjan', 'Europe/Berlin', 'Etc/GMT'];

  it('offers UTC first, so a UTC device never falls back to the first zone of the list', () => {
    expect(timeZoneChoices(supported, 'UTC')).toEqual(['UTC', 'Africa/Abidjan', 'Europe/Berlin']);
  });

  it('always offers the current choice, even one the runtime does not list', () => {
    expect(timeZoneChoices(supported, 'Asia/Kolkata')).toEqual([
      'UTC',
      'Asia/Kolkata',
      'Africa/Abidjan',
      'Europe/Berlin',
    ]);
    expect(timeZoneChoices(supported, 'Europe/Berlin')).toHaveLength(3);
  });
});

describe('local inputs', () => {
  it('round-trips a wall-clock time in a zone, across a daylight-saving change', () => {
    const instant = fromLocalInput('2026-03-29T03:30', 'Europe/Berlin');
    expect(instant).toBe('2026-03-29T01:30:00.000Z');
    expect(toLocalInput(instant, 'Europe/Berlin')).toBe('2026-03-29T03:30');
    expect(fromLocalInput('2026-01-10T09:00', 'UTC')).toBe('2026-01-10T09:00:00.000Z');
  });
});
