import { User } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { imageUploadRoute } from '../media/index.ts';
import { setMyAvatar } from './identity.avatar.ts';

const tags = ['identity'];
const security = [{ bearer: [] }];

/** The caller's own profile photo: a raw image body in, the updated profile out. */
export function avatarRoutes(app: App, platform: Platform) {
  imageUploadRoute(
    app,
    '/api/v1/me/avatar',
    {
      tags,
      security,
      description:
        'Sets your profile photo from a raw JPEG, PNG, WebP or GIF body; rendered as WebP and JPEG in a few widths.',
      response: { 200: User },
    },
    async (request) => setMyAvatar(authedCtx(platform, request), request.body as Buffer),
  );

  app.delete(
    '/api/v1/me/avatar',
    { schema: { tags, security, description: 'Removes your profile photo.', response: { 200: User } } },
    async (request) => setMyAvatar(authedCtx(platform, request), null),
  );
}
