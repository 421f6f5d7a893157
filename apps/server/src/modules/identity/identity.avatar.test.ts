import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { pngBomb } from '../media/media.fixtures.ts';

const server = useTestServer();
let ann: TestUser;
let bob: TestUser;
beforeAll(async () => {
  ann = await registerUser(server, { name: 'Ann' });
  bob = await registerUser(server, { name: 'Bob' });
});

const png = (size: number, background = '#2a9d8f') =>
  sharp({ create: { width: size, height: size, channels: 3, background } })
    .png()
    .toBuffer();

const put = (user: TestUser | null, payload: Buffer, contentType = 'image/png') =>
  server.app.inject({
    method: 'PUT',
    url: '/api/v1/me/avatar',
    headers: { ...(user?.headers ?? {}), 'content-type': contentType },
    payload,
  });

const me = async (user: TestUser) =>
  (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).json();

describe('profile photo', () => {
  it('renders an upload into widths, keeps it on the profile and serves it immutable', async () => {
    const res = await put(ann, await png(500), 'application/octet-stream');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().avatar).toMatchObject({ width: 500, height: 500, widths: [320, 500] });
    const { avatar } = await me(ann);
    const img = await server.app.inject({ method: 'GET', url: `/api/v1/images/${avatar.hash}/320.webp` });
    expect(img.statusCode).toBe(200);
    expect(img.headers['cache-control']).toContain('immutable');
    expect((await sharp(img.rawPayload).metadata()).width).toBe(320);

    const cleared = await server.app.inject({
      method: 'DELETE',
      url: '/api/v1/me/avatar',
      headers: ann.headers,
    });
    expect(cleared.json().avatar).toBeNull();
    expect((await me(ann)).avatar).toBeNull();
  });

  it('refuses what is not an image, a decompression bomb and an oversize body, and keeps the old photo', async () => {
    const first = (await put(bob, await png(64, '#e76f51'))).json().avatar;
    const html = await put(bob, Buffer.from('<svg onload="alert(1)"/>'), 'image/png');
    expect([html.statusCode, html.json().code]).toEqual([415, 'unsupported_media_type']);
    const bomb = await put(bob, pngBomb());
    expect([bomb.statusCode, bomb.json().code]).toEqual([415, 'unsupported_media_type']);
    const huge = await put(bob, Buffer.alloc(9 * 1024 * 1024, 0xff), 'image/jpeg');
    expect(huge.statusCode).toBe(413);
    expect((await me(bob)).avatar).toEqual(first);
  }, 60_000);

  it('changes only the caller’s own profile: anonymous callers get 401, no route names another user', async () => {
    expect((await put(null, await png(16))).statusCode).toBe(401);
    const before = (await me(bob)).avatar;
    await put(ann, await png(40, '#264653'));
    expect((await me(bob)).avatar).toEqual(before);
    const other = await server.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${bob.id}/avatar`,
      headers: { ...ann.headers, 'content-type': 'image/png' },
      payload: await png(16),
    });
    expect(other.statusCode).toBe(404);
  });

  it('limits uploads per session before decoding anything', async () => {
    const carol = await registerUser(server);
    const junk = Buffer.from('not an image at all');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await put(carol, junk)).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 415)).toBe(true);
    expect(codes.at(-1)).toBe(429);
  });
});
