import { MessageSendRequest, ReceiptRequest } from '@muster/protocol';
import type { Gateway } from '../../platform/realtime/gateway.ts';
import { sendMessage } from './messaging.messages.service.ts';
import { recordReceipt } from './messaging.receipts.service.ts';

/**
 * `message.send` and `receipt` over the socket: the same use cases as REST. The ack of a send is
 * the delivery confirmation `{id, seq}`: it is sent only after the message committed, and a retry
 * with the same `clientMsgId` acks the same message.
 */
export function messagingSocket(gateway: Gateway) {
  gateway.handle<MessageSendRequest>({
    event: 'message.send',
    schema: MessageSendRequest,
    async handle(ctx, payload) {
      const message = await sendMessage(ctx, payload);
      return { id: message.id, seq: message.seq };
    },
  });

  gateway.handle<ReceiptRequest>({
    event: 'receipt',
    schema: ReceiptRequest,
    async handle(ctx, payload) {
      await recordReceipt(ctx, payload);
      return {};
    },
  });
}
