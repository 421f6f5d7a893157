import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/** One mail in the dev mailbox list (`GET /api/v1/admin/mailbox`). */
export const MailboxItem = Type.Object({
  id: Id,
  to: Type.String(),
  subject: Type.String(),
  sentAt: Timestamp,
});
export type MailboxItem = Static<typeof MailboxItem>;

/** One mail in full (`GET /api/v1/admin/mailbox/:id`): both bodies and every header. */
export const MailboxMail = Type.Object({
  id: Id,
  messageId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  sentAt: Timestamp,
  text: Type.String(),
  html: Type.Union([Type.String(), Type.Null()]),
  headers: Type.Record(Type.String(), Type.String()),
});
export type MailboxMail = Static<typeof MailboxMail>;

export const MailboxQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  /** The `nextCursor` of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 36, pattern: '^[0-9a-f-]{36}$' })),
});
export type MailboxQuery = Static<typeof MailboxQuery>;
