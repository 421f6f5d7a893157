import { type Module, routesOf } from '../../platform/module.ts';
import { channelRoutes } from './messaging.channels.routes.ts';
import { messageRoutes } from './messaging.messages.routes.ts';
import { messagingSocket } from './messaging.socket.ts';
// Registers messages as moderation targets (hide, delete, restore) at load time.
import './messaging.moderation.ts';

export { channelReadersAmong } from './messaging.access.batch.ts';
/**
 * The messaging module's public face. The realtime gateway calls `sendMessage` (`message.send`) and
 * `recordReceipt` (`receipt`); who may follow `channel:<id>` (the gateway's `subscribe` and sync) is
 * `channelReadersAmong`, the batched form of `channelReadAccess`'s rule. Errors are thrown as AppError.
 */
export { channelReadAccess } from './messaging.access.ts';
export { type SendInput, sendMessage } from './messaging.messages.service.ts';
export { type ReceiptKind, recordReceipt } from './messaging.receipts.service.ts';
export { channelMembers, channels, messages, reactions } from './messaging.tables.ts';

export const messagingModule: Module = {
  name: 'messaging',
  routes: routesOf(channelRoutes, messageRoutes),
  socket: (gateway) => messagingSocket(gateway),
};
