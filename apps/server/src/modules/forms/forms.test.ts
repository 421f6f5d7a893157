import type { Form } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCommunity, buildEvent, call, grantRole } from '../../../test/factories/events.ts';
import { buildForm, leadFields } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let attendee: TestUser;
let stranger: TestUser;
let communityId: string;
let eventId: string;
beforeAll(async () => {
  [organiser, attendee, stranger] = await Promise.all([
    registerUser(server),
    registerUser(server),
    registerUser(server),
  ]);
  communityId = (await buildCommunity(server, organiser)).id;
  eventId = (await buildEvent(server, organiser, { communityId })).id;
  await addMember(server, communityId, organiser, attendee);
});

const get = (id: string, as: TestUser | null) =>
  server.app.inject({ method: 'GET', url: `/api/v1/forms/${id}`, headers: as?.headers ?? {} });

describe('creating forms', () => {
  it('lets an event organiser create one and shows everyone its public definition', async () => {
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    expect(form).toMatchObject({
      ownerType: 'event',
      ownerId: eventId,
      version: 1,
      open: true,
      receivedCount: 0,
    });
    expect(form.fields.map((f) => f.key)).toEqual(leadFields.map((f) => f.key));
    const anonymous = await get(form.id, null);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).not.toHaveProperty('receivedCount');
    expect(anonymous.json()).not.toHaveProperty('burstPerMinute');
    expect((await get(form.id, organiser)).json()).toMatchObject({ burstPerMinute: 5000, processedCount: 0 });
    expect(server.published.some((c) => c.entity === 'forms.formChanged' && c.id === form.id)).toBe(true);
  });

  it('lets community owners create community forms, and nobody else', async () => {
    const form = await buildForm(server, organiser, { ownerType: 'community', ownerId: communityId });
    expect((await get(form.id, null)).statusCode).toBe(200);
    const byMember = await server.app.inject({
      method: 'POST',
      url: '/api/v1/forms',
      headers: attendee.headers,
      payload: {
        ownerType: 'community',
        ownerId: communityId,
        purpose: 'survey',
        title: 'x',
        fields: leadFields,
      },
    });
    expect(byMember.statusCode).toBe(403);
    const byStranger = await server.app.inject({
      method: 'POST',
      url: '/api/v1/forms',
      headers: stranger.headers,
      payload: {
        ownerType: 'community',
        ownerId: communityId,
        purpose: 'survey',
        title: 'x',
        fields: leadFields,
      },
    });
    expect(byStranger.statusCode).toBe(404);
    const anonymous = await server.app.inject({
      method: 'POST',
      url: '/api/v1/forms',
      payload: { ownerType: 'event', ownerId: eventId, purpose: 'survey', title: 'x', fields: leadFields },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses event staff who are not organisers, and hides draft events’ forms from outsiders', async () => {
    await grantRole(server, eventId, organiser, stranger, 'staff');
    const byStaff = await server.app.inject({
      method: 'POST',
      url: '/api/v1/forms',
      headers: stranger.headers,
      payload: { ownerType: 'event', ownerId: eventId, purpose: 'survey', title: 'x', fields: leadFields },
    });
    expect(byStaff.statusCode).toBe(403);
    const draft = await buildEvent(server, organiser, { communityId, status: 'draft' });
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: draft.id });
    expect((await get(form.id, null)).statusCode).toBe(404);
    expect((await get(form.id, attendee)).statusCode).toBe(404);
    expect((await get(form.id, organiser)).statusCode).toBe(200);
  });

  it('names the field of an incoherent definition', async () => {
    const bad = async (fields: unknown[], field: string) => {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/forms',
        headers: organiser.headers,
        payload: { ownerType: 'event', ownerId: eventId, purpose: 'lead', title: 'x', fields },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    const text = { key: 'a', type: 'text', label: 'A' };
    await bad([text, { ...text, key: 'A' }], 'body.fields.1.key');
    await bad([{ key: 'c', type: 'singleChoice', label: 'C' }], 'body.fields.0.options');
    await bad([{ ...text, options: ['x'] }], 'body.fields.0.options');
    await bad(
      [{ key: 'c', type: 'multipleChoice', label: 'C', options: ['x', 'x'] }],
      'body.fields.0.options',
    );
    await bad([{ key: 'n', type: 'number', label: 'N', min: 5, max: 1 }], 'body.fields.0.min');
    await bad([{ ...text, min: 1 }], 'body.fields.0.min');
    await bad([{ ...text, type: 'rating', maxLength: 3 }], 'body.fields.0.maxLength');
    await bad([{ ...text, key: '1bad' }], 'body.fields.0.key');
    await bad([{ ...text, type: 'date' }], 'body.fields.0.type');
    await bad([{ ...text, label: '   ' }], 'body.fields.0.label');
    await bad(
      Array.from({ length: 51 }, (_, i) => ({ ...text, key: `k${i}` })),
      'body.fields',
    );
  });
});

describe('editing forms', () => {
  it('makes a new version when the fields change, and not otherwise', async () => {
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    const same = await call<Form>(server, 'PATCH', `/api/v1/forms/${form.id}`, organiser, {
      fields: leadFields,
      title: 'Renamed',
    });
    expect(same).toMatchObject({ version: 1, title: 'Renamed' });
    const changed = await call<Form>(server, 'PATCH', `/api/v1/forms/${form.id}`, organiser, {
      fields: [...leadFields, { key: 'company', type: 'text', label: 'Company' }],
      open: false,
      burstPerMinute: 20_000,
    });
    expect(changed).toMatchObject({ version: 2, open: false, burstPerMinute: 20_000 });
    expect(changed.fields.at(-1)?.key).toBe('company');
  });

  it('refuses other people: 403 when they can see the form, 404 when they cannot', async () => {
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    const patch = (as: TestUser | null) =>
      server.app.inject({
        method: 'PATCH',
        url: `/api/v1/forms/${form.id}`,
        headers: as?.headers ?? {},
        payload: { title: 'Mine now' },
      });
    expect((await patch(attendee)).statusCode).toBe(403);
    expect((await patch(null)).statusCode).toBe(401);
    const draft = await buildEvent(server, organiser, { communityId, status: 'draft' });
    const hidden = await buildForm(server, organiser, { ownerType: 'event', ownerId: draft.id });
    const res = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/forms/${hidden.id}`,
      headers: attendee.headers,
      payload: { title: 'x' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses fields a client may not set', async () => {
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    for (const payload of [{ version: 7 }, { receivedCount: 0 }, { ownerId: communityId }, {}]) {
      const res = await server.app.inject({
        method: 'PATCH',
        url: `/api/v1/forms/${form.id}`,
        headers: organiser.headers,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
