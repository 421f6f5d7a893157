import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { createMailer, domainOf } from './mailer.ts';

const log = pino({ level: 'silent' });

describe('mail configuration', () => {
  it('sends from no-reply at the public host unless MAIL_FROM says otherwise', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://events.example.org' }).mailFrom).toBe(
      'Muster <no-reply@events.example.org>',
    );
    expect(loadConfig({ MAIL_FROM: 'Meetups <hello@example.org>' }).mailFrom).toBe(
      'Meetups <hello@example.org>',
    );
    expect(domainOf('Meetups <hello@example.org>')).toBe('example.org');
    expect(domainOf('hello@mail.example.org')).toBe('mail.example.org');
  });

  it('refuses a MAIL_FROM that is not one address (a header injection or a list)', () => {
    for (const bad of [
      'nobody',
      'a@example.org\r\nBcc: x@example.org',
      'a@example.org, b@example.org',
      '<>',
    ]) {
      expect(() => loadConfig({ MAIL_FROM: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.org' })).toThrow(ConfigError);
  });

  it('writes to the dev mailbox under the data directory without SMTP_URL, and has none with it', async () => {
    const dev = createMailer(loadConfig({ MUSTER_DATA_DIR: '/tmp/muster-x' }), log);
    expect(dev.transport).toBe('mailbox');
    expect(dev.mailbox?.dir).toBe(path.join('/tmp/muster-x', 'mailbox'));
    const smtp = createMailer(loadConfig({ SMTP_URL: 'smtp://user:pass@127.0.0.1:2525' }), log);
    expect(smtp.transport).toBe('smtp');
    expect(smtp.mailbox).toBeUndefined();
    await Promise.all([dev.close(), smtp.close()]);
  });
});
