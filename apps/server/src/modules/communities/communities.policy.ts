import type { CommunityRole } from '@muster/protocol';

/** Pure rules over a caller's community role (null = not a member or anonymous). */
export const isCommunityMember = (role: CommunityRole | null) => role !== null;
export const isCommunityAdmin = (role: CommunityRole | null) => role === 'owner' || role === 'admin';
export const canCreateEventIn = isCommunityAdmin;
export const canManageMembers = isCommunityAdmin;
/** Only an owner may make another owner. */
export const canGrantCommunityRole = (actorRole: CommunityRole | null, granted: CommunityRole) =>
  granted === 'owner' ? actorRole === 'owner' : isCommunityAdmin(actorRole);
