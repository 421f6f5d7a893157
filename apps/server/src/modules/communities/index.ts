import type { Module } from '../../platform/module.ts';
import { communityRoutes } from './communities.routes.ts';
import { communityVerificationRoutes } from './communities.verification.routes.ts';

export { communityRoleOf, communityRolesAmong, requireCommunityMember } from './communities.access.ts';
export {
  canCreateEventIn,
  canGrantCommunityRole,
  canManageMembers,
  isCommunityAdmin,
  isCommunityMember,
} from './communities.policy.ts';
export { findCommunity } from './communities.repository.ts';
export { communities, communityMembers } from './communities.tables.ts';
export { setCommunityVerified } from './communities.verification.ts';
export { communityRoutes };

export const communitiesModule: Module = {
  name: 'communities',
  routes: (app, platform) => {
    communityRoutes(app, platform);
    communityVerificationRoutes(app, platform);
  },
};
