import type { CommunityRole } from '@muster/protocol';

/**
 * Leads are the community's sales data: its owners and admins manage all of them; a member they
 * assign a lead to works that lead (stage, notes) but does not see the others or reassign it.
 */
export interface LeadAccess {
  communityRole: CommunityRole | null;
  userId: string;
}

export const canManageLeads = (a: LeadAccess) => a.communityRole === 'owner' || a.communityRole === 'admin';

export const canWorkLead = (a: LeadAccess, lead: { assigneeId: string | null }) =>
  canManageLeads(a) || (a.communityRole !== null && lead.assigneeId === a.userId);

/** Only members can be assigned: a lead never leaks outside the community. */
export const canBeAssigned = (role: CommunityRole | null) => role !== null;
