import { type DoorConflict, type DoorStats, entities, scopes } from '@muster/protocol';
import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../platform/db/client.ts';
import { throttledPublisher } from '../../platform/live/throttled-publisher.ts';

/** How often, at most, the dashboard of one event goes out while scans come in. */
export const DOOR_STATS_INTERVAL_MS = 500;
const MAX_CONFLICTS = 200;
const CURVE_HOURS = 6;

/**
 * The door dashboard (PRODUCT F4), every figure derived by aggregate SQL from the recorded scans, so
 * it is exact whatever order scans arrived in: admitted tickets (undone scans left out), valid
 * tickets expected, per door the admissions and those of the last minute, conflicts (a ticket
 * admitted twice, with both scans), and admissions per minute over the last six hours.
 */
export async function doorStats(q: Queryable, eventId: string): Promise<DoorStats> {
  const [totals] = await queryRows<{ checked_in: number; expected: number }>(
    q,
    sql`
      select
        (select count(distinct ticket_id)::int from checkins
          where event_id = ${eventId} and result = 'admitted' and undone_at is null) as checked_in,
        (select count(*)::int from tickets where event_id = ${eventId} and status = 'valid') as expected`,
  );
  const perDoor = await queryRows<{ door_id: string | null; count: number; per_minute: number }>(
    q,
    sql`
      select door_id, count(*)::int as count,
             count(*) filter (where scanned_at > now() - interval '1 minute')::int as per_minute
        from checkins
       where event_id = ${eventId} and result = 'admitted' and undone_at is null
       group by door_id
       order by door_id nulls first`,
  );
  const conflicts = await queryRows<{
    ticket_id: string;
    holder_name: string;
    scans: DoorConflict['checkins'];
  }>(
    q,
    sql`
      select c.ticket_id, t.holder_name,
             json_agg(json_build_object('id', c.id, 'doorId', c.door_id, 'scannedAt', c.scanned_at)
                      order by c.scanned_at) as scans
        from checkins c join tickets t on t.id = c.ticket_id
       where c.event_id = ${eventId} and c.conflict and c.undone_at is null
       group by c.ticket_id, t.holder_name
       order by min(c.scanned_at)
       limit ${MAX_CONFLICTS}`,
  );
  const curve = await queryRows<{ minute: Date | string; count: number }>(
    q,
    sql`
      select date_trunc('minute', scanned_at) as minute, count(*)::int as count
        from checkins
       where event_id = ${eventId} and result = 'admitted' and undone_at is null
         and scanned_at > now() - make_interval(hours => ${CURVE_HOURS})
       group by 1 order by 1`,
  );
  return {
    eventId,
    checkedIn: Number(totals?.checked_in ?? 0),
    expected: Number(totals?.expected ?? 0),
    perDoor: perDoor.map((d) => ({
      doorId: d.door_id,
      count: Number(d.count),
      perMinute: Number(d.per_minute),
    })),
    conflicts: conflicts.map((c) => ({
      ticketId: c.ticket_id,
      holderName: c.holder_name,
      checkins: (typeof c.scans === 'string' ? JSON.parse(c.scans) : c.scans).map(
        (s: { id: string; doorId: string | null; scannedAt: string }) => ({
          id: s.id,
          doorId: s.doorId,
          scannedAt: new Date(s.scannedAt).toISOString(),
        }),
      ),
    })),
    curve: curve.map((p) => ({ minute: new Date(p.minute).toISOString(), count: Number(p.count) })),
    at: new Date().toISOString(),
  };
}

/**
 * Touched after each committed scan, batch or undo: the dashboard of a door that scans 30 tickets a
 * second costs two records a second, and the trailing one carries the final figures.
 */
export const doorStatsPublisher = throttledPublisher({
  name: 'checkin.door',
  intervalMs: DOOR_STATS_INTERVAL_MS,
  async publish(work, eventId) {
    const data = await doorStats(work.tx, eventId);
    await work.append({
      scope: scopes.door(eventId),
      entity: entities.checkin.doorStatsChanged,
      op: 'upsert',
      id: eventId,
      data,
    });
  },
});
