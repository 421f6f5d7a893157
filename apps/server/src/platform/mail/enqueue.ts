import Mustache from 'mustache';
import { uuidv7 } from 'uuidv7';
import type { Work } from '../db/unit-of-work.ts';
import { invalid } from '../errors.ts';
import { findMailTemplate, INLINE_LIMITS, type MailTemplateSource } from './templates.ts';

/** Account mail's queue (the name it always had, so mail queued before an upgrade still goes). */
export const MAIL_SEND = 'mail.send';
/** Bulk mail's queue: paced per node and capped, so it can never hold account mail back. */
export const MAIL_BULK = 'mail.bulk';
/** Bulk mail with this priority leaves before other bulk mail (an opt-in confirmation). */
const URGENT_PRIORITY = 10;

/**
 * `account` (the default): mail a person needs for their own account — verification, password
 * reset, invitations. `bulk`: mail sent for a community to people who did not ask for it in their
 * account — follow-ups, opt-in confirmations, digests.
 */
export type MailKind = 'account' | 'bulk';

/** Who a bulk mail is sent for: its daily cap, higher once an instance admin verified it. */
export interface MailSender {
  id: string;
  verified: boolean;
}

export type MailRequest = MailRequestBase &
  (
    | { kind?: 'account'; community?: never; urgent?: never }
    | {
        kind: 'bulk';
        community: MailSender;
        /** Before the rest of the bulk backlog (a confirmation someone is waiting for). */
        urgent?: boolean;
      }
  );

interface MailRequestBase {
  /** One plain address; a list or a display name is refused. */
  to: string;
  /** A template defined in code (`defineMailTemplate`), or inline sources (e.g. organiser-written). */
  template: string | MailTemplateSource;
  data?: Record<string, unknown>;
  /** Extra headers, e.g. `List-Unsubscribe`, `List-Unsubscribe-Post`, `Reply-To`. */
  headers?: Record<string, string>;
  /** Send no earlier than this (a follow-up "two days after the event"). */
  startAfterSeconds?: number;
}

/** The `mail.send` job's payload; `id` gives the mail a stable Message-ID across re-sends. */
export interface MailJob {
  id: string;
  to: string;
  template: string | null;
  inline: MailTemplateSource | null;
  data: Record<string, unknown>;
  headers: Record<string, string>;
  /** Absent on jobs queued before bulk mail existed: those were account mail. */
  kind?: MailKind;
  /** Bulk mail: the community it counts against, and whether that community was verified. */
  communityId?: string;
  verified?: boolean;
}

const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,75}$/;
/** Set by the mailer itself, or would redirect the mail: never from a caller. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'sender',
  'return-path',
  'received',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);
const MAX_HEADERS = 20;
const MAX_DATA_BYTES = 32 * 1024;

/**
 * Enqueues one mail inside the caller's transaction, on the queue of its kind, so it is sent exactly when the business
 * change commits (and never when it rolls back). The `mail.send` job renders and sends it later;
 * nothing here touches the network. Returns the mail's id.
 */
export async function enqueueMail(work: Pick<Work, 'enqueue'>, request: MailRequest): Promise<string> {
  const job: MailJob = {
    id: uuidv7(),
    to: checkAddress(request.to),
    template: typeof request.template === 'string' ? checkNamed(request.template) : null,
    inline: typeof request.template === 'string' ? null : checkInline(request.template),
    data: checkData(request.data ?? {}),
    headers: checkHeaders(request.headers ?? {}),
    kind: request.kind ?? 'account',
    ...(request.kind === 'bulk'
      ? { communityId: request.community.id, verified: request.community.verified }
      : {}),
  };
  await work.enqueue(request.kind === 'bulk' ? MAIL_BULK : MAIL_SEND, job, {
    ...(request.startAfterSeconds ? { startAfterSeconds: request.startAfterSeconds } : {}),
    ...(request.kind === 'bulk' && request.urgent ? { priority: URGENT_PRIORITY } : {}),
  });
  return job.id;
}

function checkAddress(to: string): string {
  if (to.length > 254 || !ADDRESS.test(to)) throw invalid('mail.to', 'must be a single e-mail address');
  return to;
}

function checkNamed(name: string): string {
  // A typo is a bug to find at the enqueue, not a job that fails in the dead-letter queue later.
  if (!findMailTemplate(name)) throw new Error(`mail template ${name} is not defined`);
  return name;
}

function checkInline(source: MailTemplateSource): MailTemplateSource {
  for (const part of ['subject', 'text', 'html'] as const) {
    const value = source[part];
    if (value === undefined && part === 'html') continue;
    if (typeof value !== 'string' || value.length > INLINE_LIMITS[part])
      throw invalid(`mail.template.${part}`, `must be text of at most ${INLINE_LIMITS[part]} characters`);
    let tokens: unknown[];
    try {
      tokens = Mustache.parse(value);
    } catch (error) {
      throw invalid(`mail.template.${part}`, `is not a valid template: ${(error as Error).message}`);
    }
    // `{{{x}}}` / `{{&x}}` would put raw data (a person's name, say) into the HTML unescaped.
    if (part === 'html' && hasUnescaped(tokens))
      throw invalid('mail.template.html', 'must not use unescaped tags ({{{ }}} or {{& }})');
  }
  return { subject: source.subject, text: source.text, ...(source.html ? { html: source.html } : {}) };
}

function hasUnescaped(tokens: unknown[]): boolean {
  return tokens.some((token) => {
    const [type, , , , children] = token as [string, string, number, number, unknown[] | undefined];
    return type === '&' || type === '{' || (Array.isArray(children) && hasUnescaped(children));
  });
}

function checkData(data: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(data);
  if (Buffer.byteLength(json) > MAX_DATA_BYTES)
    throw invalid('mail.data', `must be at most ${MAX_DATA_BYTES} bytes as JSON`);
  return JSON.parse(json) as Record<string, unknown>;
}

function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) throw invalid('mail.headers', `must be at most ${MAX_HEADERS}`);
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
      throw invalid(`mail.headers.${name.slice(0, 80)}`, 'is not a header a caller may set');
    // CR or LF in a value would start a new header (or the body): header injection.
    if (typeof value !== 'string' || value.length > 998 || /[\r\n\0]/.test(value))
      throw invalid(`mail.headers.${name}`, 'must be one line of at most 998 characters');
  }
  return Object.fromEntries(entries);
}
