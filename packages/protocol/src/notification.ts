import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/**
 * An in-app inbox entry: `data` of a `notifications.created` change on `user:<id>` (the change id
 * is the notification id). `data` is the notification kind's own payload, free-form for now.
 */
export const Notification = Type.Object({
  id: Id,
  category: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.Union([Type.String(), Type.Null()]),
  data: Type.Unknown(),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
});
export type Notification = Static<typeof Notification>;
