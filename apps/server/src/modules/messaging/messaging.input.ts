import {
  MAX_CLIENT_MSG_ID_LENGTH,
  MAX_EMOJI_LENGTH,
  MAX_MENTIONS,
  MAX_MESSAGE_LENGTH,
  UUID_RE,
} from '@muster/protocol';
import { invalid } from '../../platform/errors.ts';

/**
 * Checks the services apply themselves: the realtime gateway calls them without the HTTP schemas,
 * and some rules (blank after trim, NUL, mentions) are not expressible in JSON Schema anyway.
 * Lengths count code points, as JSON Schema's `maxLength` does.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_RE.test(value);

export function checkUuid(field: string, value: unknown): string {
  if (!isUuid(value)) throw invalid(field, 'must be a UUID');
  return value.toLowerCase();
}

/**
 * A message body is stored trimmed; it must not be blank, longer than MAX_MESSAGE_LENGTH or hold
 * NUL (PostgreSQL cannot store U+0000 in text: refusing it here makes it a 400, not a 500).
 */
export function checkMessageBody(field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.includes('\u0000')) throw invalid(field, 'must not contain NUL characters');
  const body = value.trim();
  if (!body) throw invalid(field, 'must not be blank');
  if (codePoints(body) > MAX_MESSAGE_LENGTH)
    throw invalid(field, `must be at most ${MAX_MESSAGE_LENGTH} characters`);
  return body;
}

export function checkClientMsgId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string');
  if (codePoints(value) > MAX_CLIENT_MSG_ID_LENGTH)
    throw invalid(field, `must be at most ${MAX_CLIENT_MSG_ID_LENGTH} characters`);
  if (CONTROL.test(value)) throw invalid(field, 'must not contain control characters');
  return value;
}

export function checkName(field: string, value: string): string {
  if (CONTROL.test(value)) throw invalid(field, 'must not contain control characters');
  const name = value.trim();
  if (!name) throw invalid(field, 'must not be blank');
  return name;
}

/** `@[Display name](<user uuid>)`: the display name is what the sender saw; only the id counts. */
const MENTION = /@\[[^\]\n]{1,100}\]\(([0-9a-fA-F-]{36})\)/g;

/** The distinct user ids mentioned in a body, in order of first mention. */
export function parseMentions(field: string, body: string): string[] {
  const ids = new Set<string>();
  for (const match of body.matchAll(MENTION)) {
    const id = match[1]!;
    if (UUID_RE.test(id)) ids.add(id.toLowerCase());
  }
  if (ids.size > MAX_MENTIONS) throw invalid(field, `must mention at most ${MAX_MENTIONS} people`);
  return [...ids];
}

/** An emoji sequence (flags, skin tones, ZWJ families, keycaps) or a short code such as `party_parrot`. */
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Presentation}|\u200d|\u20e3)+$/u;
const SHORT_CODE = /^[a-z0-9_+-]+$/;

export function checkEmoji(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string');
  const emoji = value.normalize('NFC');
  if (codePoints(emoji) > MAX_EMOJI_LENGTH)
    throw invalid(field, `must be at most ${MAX_EMOJI_LENGTH} characters`);
  if (!EMOJI.test(emoji) && !SHORT_CODE.test(emoji))
    throw invalid(field, 'must be an emoji or a short code of a-z, 0-9, _, + and -');
  return emoji;
}
