import type { Module } from '../../platform/module.ts';
import { referralRoutes } from './referrals.routes.ts';

export { isCredited, referredPerson } from './referrals.repository.ts';
export { type AttributionInput, attributeReferral, normaliseCode } from './referrals.service.ts';
export { referralAttributions, referralCodes } from './referrals.tables.ts';

export const referralsModule: Module = { name: 'referrals', routes: referralRoutes };
