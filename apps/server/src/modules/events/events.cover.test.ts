import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { pngBomb } from '../media/media.fixtures.ts';

const server = useTestServer();
let organiser: TestUser;
let stranger: TestUser;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server);
  stranger = await registerUser(server);
  const communityId = (await buildCommunity(server, organiser)).id;
  eventId = (await buildEvent(server, organiser, { communityId })).id;
});

const put = (user: TestUser, payload: Buffer, contentType = 'image/png') =>
  server.app.inject({
    method: 'PUT',
    url: `/api/v1/events/${eventId}/cover`,
    headers: { ...user.headers, 'content-type': contentType },
    payload,
  });

describe('event cover', () => {
  it('renders an upload, names it by content and serves it immutable', async () => {
    const png = await sharp({ create: { width: 900, height: 450, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    // The declared type is wrong on purpose: the bytes decide.
    const res = await put(organiser, png, 'application/octet-stream');
    expect(res.statusCode, res.body).toBe(200);
    const cover = res.json().coverImage;
    expect(cover).toMatchObject({ width: 900, height: 450, widths: [320, 640, 900] });

    const url = `/api/v1/images/${cover.hash}/640.webp`;
    const img = await server.app.inject({ method: 'GET', url });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/webp');
    expect(img.headers['cache-control']).toContain('immutable');
    const meta = await sharp(img.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 640, 320]);
    const again = await server.app.inject({
      method: 'GET',
      url,
      headers: { 'if-none-match': String(img.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const jpeg = await server.app.inject({ method: 'GET', url: `/api/v1/images/${cover.hash}/320.jpeg` });
    expect(jpeg.headers['content-type']).toBe('image/jpeg');

    const event = await server.app.inject({
      method: 'GET',
      url: `/api/v1/events/${eventId}`,
      headers: organiser.headers,
    });
    expect(event.json().coverImage.hash).toBe(cover.hash);
  });

  it('refuses hostile uploads without a 500', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    expect((await put(organiser, html, 'image/png')).json()).toMatchObject({
      code: 'unsupported_media_type',
    });
    const bomb = pngBomb();
    expect((await put(organiser, bomb)).json()).toMatchObject({ code: 'unsupported_media_type' });
    const huge = Buffer.alloc(9 * 1024 * 1024, 0xff);
    expect((await put(organiser, huge, 'image/jpeg')).statusCode).toBe(413);
  }, 60_000);

  it('lets only organisers set or clear it', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await put(stranger, png)).statusCode).toBeGreaterThanOrEqual(403);
    const del = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/events/${eventId}/cover`,
      headers: organiser.headers,
    });
    expect(del.json().coverImage).toBeNull();
  });
});
