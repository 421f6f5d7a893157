import { type Module, routesOf } from '../../platform/module.ts';
import { moderationRoutes } from './moderation.routes.ts';

export { recordAudit } from './moderation.audit.ts';
/**
 * The moderation module's public face for other modules: screen a text before storing it
 * (`screenText`), refuse banned people's other writes (`assertMayParticipate`), put a thing in the
 * queue (`queueForModeration`), read an event's settings (`eventModerationSettings`, e.g. Q&A
 * pre-moderation) and register the handler for a target type (`registerModerationTarget`).
 */
export {
  type QueueInput,
  queueForModeration,
  resolveItems as resolveModerationItems,
} from './moderation.queue.ts';
export { assertMayParticipate, assertMayWrite, participationRefusals } from './moderation.restrictions.ts';
export {
  contentRefused,
  type ScreenFlag,
  type ScreenInput,
  type ScreenOutcome,
  type ScreenVerdict,
  screenText,
  screenTexts,
} from './moderation.screen.ts';
export { eventModerationSettings } from './moderation.settings.ts';
export {
  moderationAudit,
  moderationItems,
  moderationRecentTexts,
  moderationReports,
  moderationRestrictions,
  moderationSettings,
} from './moderation.tables.ts';
export {
  type ContentAction,
  type ModerationTarget,
  registerModerationTarget,
  type TargetFacts,
} from './moderation.targets.ts';

export const moderationModule: Module = {
  name: 'moderation',
  routes: routesOf(moderationRoutes),
};
