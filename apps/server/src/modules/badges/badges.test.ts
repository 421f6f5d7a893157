import { sql } from 'drizzle-orm';
import jsqrModule from 'jsqr';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { issueTestTickets } from '../../../test/factories/tickets.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { qrModules, renderBadges } from './badges.render.ts';
import { type BadgeStatus, badgesNow } from './badges.service.ts';

type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// CommonJS with the function on `default`.
const decodeQr = ((jsqrModule as unknown as { default?: DecodeQr }).default ??
  jsqrModule) as unknown as DecodeQr;

const server = useTestServer();
const inject = injectAs(server);
let organiser: TestUser;
let staff: TestUser;
let volunteer: TestUser;
let attendee: TestUser;
beforeAll(async () => {
  const users = await Promise.all(
    ['Organiser', 'Staff', 'Volunteer', 'Attendee'].map((name) => registerUser(server, { name })),
  );
  [organiser, staff, volunteer, attendee] = users as [TestUser, TestUser, TestUser, TestUser];
});

async function eventWithTickets(names: string[]) {
  const event = await buildEvent(server, organiser);
  await grantRole(server, event.id, organiser, staff, 'staff');
  await grantRole(server, event.id, organiser, volunteer, 'volunteer');
  const issued = [];
  for (const name of names)
    issued.push(...(await issueTestTickets(server, event.id, attendee, 1, { holderName: name })));
  return { event, tickets: issued };
}

describe('badges', () => {
  it('renders A6 (one per page) and A4 (four per sheet) with any name, leaving void tickets out', async () => {
    const names = ['Łukasz Żółć', 'Zoë Brontë', 'Дарья Петрова', 'Ἀλέξανδρος', 'Ana', 'Björn Ångström'];
    const { event, tickets } = await eventWithTickets(names);
    await server.platform.db.execute(sql`update tickets set status = 'void' where id = ${tickets[4]!.id}`);
    const a6 = await inject('GET', `/api/v1/events/${event.id}/badges.pdf?size=A6`, staff);
    expect(a6.statusCode).toBe(200);
    expect(a6.headers['content-type']).toBe('application/pdf');
    expect(a6.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await PDFDocument.load(a6.rawPayload)).getPageCount()).toBe(5);
    const a4 = await inject('GET', `/api/v1/events/${event.id}/badges.pdf?size=A4`, organiser);
    const sheets = await PDFDocument.load(a4.rawPayload);
    expect(sheets.getPageCount()).toBe(2);
    expect(Math.round(sheets.getPage(0).getWidth())).toBe(595);
  });

  it('draws a QR that decodes back to the ticket code', async () => {
    const { tickets } = await eventWithTickets(['Ana']);
    const code = tickets[0]!.qr;
    const { size, dark } = qrModules(code);
    // The modules as the badge draws them (4 px each, a 4-module quiet zone), read by a QR decoder.
    const scale = 4;
    const side = (size + 8) * scale;
    const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
    for (const [x, y] of dark)
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const at = (((y + 4) * scale + dy) * side + (x + 4) * scale + dx) * 4;
          pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
        }
    expect(decodeQr(pixels, side, side)?.data).toBe(code);
    expect(renderBadges('Test', [{ name: 'A', company: null, ticketType: 'T', code }], 'A6')).toBeTruthy();
  });

  it('refuses volunteers, attendees and anonymous callers', async () => {
    const { event } = await eventWithTickets(['Ana']);
    expect((await inject('GET', `/api/v1/events/${event.id}/badges.pdf`, volunteer)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/events/${event.id}/badges.pdf`, attendee)).statusCode).toBe(403);
    expect((await inject('GET', `/api/v1/events/${event.id}/badges.pdf`, null)).statusCode).toBe(401);
    expect((await inject('GET', `/api/v1/events/${event.id}/badges.pdf?size=A3`, staff)).statusCode).toBe(
      400,
    );
  });

  it('sends a large event to a job and serves the PDF it made', async () => {
    const { event } = await eventWithTickets(['Ana', 'Ben', 'Cy']);
    const ctx = {
      platform: server.platform,
      actor: { userId: staff.id, familyId: '' },
      requestId: 't',
    } as never;
    await expect(badgesNow(ctx, event.id, 'A6', 2)).rejects.toThrow(/POST/);
    const job = await call<BadgeStatus>(
      server,
      'POST',
      `/api/v1/events/${event.id}/badges`,
      staff,
      { size: 'A4' },
      [202],
    );
    expect(job.status).toBe('queued');
    await expect
      .poll(
        async () => (await call<BadgeStatus>(server, 'GET', `/api/v1/badges/jobs/${job.id}`, staff)).status,
        { timeout: 20_000 },
      )
      .toBe('done');
    const done = await call<BadgeStatus>(server, 'GET', `/api/v1/badges/jobs/${job.id}`, organiser);
    expect(done).toMatchObject({ badges: 3, url: `/api/v1/badges/jobs/${job.id}/pdf` });
    const pdf = await inject('GET', done.url!, staff);
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(1);
    expect((await inject('GET', `/api/v1/badges/jobs/${job.id}`, attendee)).statusCode).toBe(404);
  });
});
