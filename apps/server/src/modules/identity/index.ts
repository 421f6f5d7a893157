import type { Platform } from '../../platform/context.ts';
import type { App } from '../../platform/http/server.ts';
import { accountRoutes } from './identity.account.routes.ts';
import { avatarRoutes } from './identity.avatar.routes.ts';
import { blockRoutes } from './identity.blocks.routes.ts';
import { mailboxRoutes } from './identity.mailbox.routes.ts';
import { sessionRoutes } from './identity.routes.ts';

export {
  PASSWORD_MAX,
  PASSWORD_MIN,
  requirePlatformAdmin,
  setInstanceAdmin,
  setPasswordByEmail,
} from './identity.admin.ts';
export { blockedEitherWay, blockedPairs, blockPairKey } from './identity.blocks.repository.ts';
export { presentUser } from './identity.presenter.ts';
export { findUserById, liveFamilies, type UserRow } from './identity.repository.ts';
export { refreshTokens, userBlocks, users } from './identity.tables.ts';

export function identityRoutes(app: App, platform: Platform) {
  sessionRoutes(app, platform);
  accountRoutes(app, platform);
  mailboxRoutes(app, platform);
  blockRoutes(app, platform);
  avatarRoutes(app, platform);
}
