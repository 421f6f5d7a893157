export { createNotification, type NotificationInput } from './notifications.service.ts';
export { notifications } from './notifications.tables.ts';
