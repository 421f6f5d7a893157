export type { Notification } from './notifications.presenter.ts';
export { createNotification, type NotificationInput } from './notifications.service.ts';
export { notifications } from './notifications.tables.ts';
