import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../../platform/db/client.ts';
import { bookmarks, sessions } from '../agenda/index.ts';
import { events, rsvps } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { isCredited, referralAttributions, referredPerson } from '../referrals/index.ts';
import { type LeadSignals, NO_SIGNALS } from './leads.scoring.ts';
import { leadSources } from './leads.tables.ts';

interface SignalRow {
  lead_id: string;
  form_submissions: number | string | null;
  met_by_rep: number | string | null;
  rsvps_going: number | string | null;
  rsvps_interested: number | string | null;
  bookmarks: number | string | null;
  referrals: number | string | null;
}

/**
 * The engagement counts of `leadIds` (all of one community) in one statement. Engagement is read
 * where it happens: a lead is linked to an account by its e-mail, and only activity inside this
 * community's events counts (another community's RSVPs are none of its business). "Met by a rep"
 * counts distinct reps: one rep capturing the same person at every event is still one meeting;
 * "people referred" counts distinct people whose referral is credited (`isCredited`).
 */
export async function signalsOf(
  q: Queryable,
  communityId: string,
  leads: readonly { id: string; email: string }[],
): Promise<Map<string, LeadSignals>> {
  const result = new Map<string, LeadSignals>();
  if (!leads.length) return result;
  const ids = sql`${sql.param(leads.map((l) => l.id))}::uuid[]`;
  const rows = await queryRows<SignalRow>(
    q,
    sql`
    with lead_users as (
      select l.id as lead_id, u.id as user_id
      from unnest(${ids}) as picked(id)
      join leads l on l.id = picked.id
      join ${users} u on u.email = l.email
    ),
    community_events as (
      select ${events.id} as id from ${events} where ${events.communityId} = ${communityId}
    )
    select picked.id as lead_id,
      (select count(*) from ${leadSources} s where s.lead_id = picked.id and s.kind = 'form') as form_submissions,
      (select count(distinct s.rep_id) from ${leadSources} s where s.lead_id = picked.id and s.kind = 'rep') as met_by_rep,
      (select count(*) from lead_users lu join ${rsvps} r on r.user_id = lu.user_id
         where lu.lead_id = picked.id and r.event_id in (select id from community_events)
           and r.status in ('going', 'waitlisted')) as rsvps_going,
      (select count(*) from lead_users lu join ${rsvps} r on r.user_id = lu.user_id
         where lu.lead_id = picked.id and r.event_id in (select id from community_events)
           and r.status = 'interested') as rsvps_interested,
      (select count(*) from lead_users lu join ${bookmarks} b on b.user_id = lu.user_id
         join ${sessions} s on s.id = b.session_id
         where lu.lead_id = picked.id and s.event_id in (select id from community_events)) as bookmarks,
      (select count(distinct ${referredPerson}) from lead_users lu join ${referralAttributions} on ${referralAttributions.referrerId} = lu.user_id
         where lu.lead_id = picked.id and ${referralAttributions.communityId} = ${communityId} and ${isCredited}) as referrals
    from unnest(${ids}) as picked(id)`,
  );
  for (const row of rows)
    result.set(row.lead_id, {
      formSubmissions: Number(row.form_submissions ?? 0),
      metByRep: Number(row.met_by_rep ?? 0),
      rsvpsGoing: Number(row.rsvps_going ?? 0),
      rsvpsInterested: Number(row.rsvps_interested ?? 0),
      bookmarks: Number(row.bookmarks ?? 0),
      referrals: Number(row.referrals ?? 0),
    });
  for (const lead of leads) if (!result.has(lead.id)) result.set(lead.id, NO_SIGNALS);
  return result;
}
