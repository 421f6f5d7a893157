/** Stable error codes, shared by HTTP problem documents and socket acks. */
export const ErrorCode = {
  validation_failed: 'validation_failed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  rate_limited: 'rate_limited',
  capacity_reached: 'capacity_reached',
  /** A per-user cap on what one account may keep (bookmarks per event, …) was reached. */
  limit_reached: 'limit_reached',
  invalid_transition: 'invalid_transition',
  payload_too_large: 'payload_too_large',
  unsupported_media_type: 'unsupported_media_type',
  /** A text the event's moderation filters refuse (a message with profanity, link flooding…); 422. */
  content_refused: 'content_refused',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
