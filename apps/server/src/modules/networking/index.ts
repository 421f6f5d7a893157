import type { Module } from '../../platform/module.ts';
import { networkingRoutes } from './networking.routes.ts';

export { connections } from './networking.tables.ts';

/** Networking (PRODUCT H1, H2): connection requests, cards with QR codes and vCards, recommendations. */
export const networkingModule: Module = { name: 'networking', routes: networkingRoutes };
