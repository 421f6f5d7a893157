import { IdParams, MailboxItem, MailboxMail, MailboxQuery, Page } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import * as mailbox from './identity.mailbox.service.ts';

const tags = ['admin'];
const secured = [{ bearer: [] }];

/** The dev mailbox, for administrators of the instance while mail is not sent over SMTP. */
export function mailboxRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/admin/mailbox',
    {
      schema: {
        tags,
        security: secured,
        querystring: MailboxQuery,
        response: { 200: Page(MailboxItem) },
      },
    },
    async (request) => mailbox.listMailbox(authedCtx(platform, request), request.query),
  );

  app.get(
    '/api/v1/admin/mailbox/:id',
    { schema: { tags, security: secured, params: IdParams, response: { 200: MailboxMail } } },
    async (request) => mailbox.readMail(authedCtx(platform, request), request.params.id),
  );
}
