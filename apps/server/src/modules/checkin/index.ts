import type { Module } from '../../platform/module.ts';
import { checkinRoutes } from './checkin.routes.ts';

export { checkins, sessionCheckins } from './checkin.tables.ts';

/** The door (PRODUCT F4–F6): scans online and offline, conflicts, the dashboard, room attendance. */
export const checkinModule: Module = { name: 'checkin', routes: checkinRoutes };
