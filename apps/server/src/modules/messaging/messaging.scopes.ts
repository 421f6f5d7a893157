/** The scopes messaging writes to: a channel's own stream, a person's stream, an event's stream. */
export const channelScope = (channelId: string) => `channel:${channelId}`;
export const userScope = (userId: string) => `user:${userId}`;
export const eventScope = (eventId: string) => `event:${eventId}`;
