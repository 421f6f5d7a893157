import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import { afterAll, describe, expect, it } from 'vitest';
import { createDevMailbox } from './mailbox.ts';
import type { OutgoingMail } from './mailer.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-mailbox-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const freshDir = () => fs.mkdtempSync(path.join(root, 'box-'));

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  const id = overrides.id ?? uuidv7();
  return {
    id,
    messageId: `<${id}@example.test>`,
    from: 'Muster <no-reply@example.test>',
    to: 'ann@example.test',
    subject: 'Hello',
    text: 'Plain body',
    html: '<p>HTML body</p>',
    headers: { 'List-Unsubscribe': '<https://example.test/u>' },
    ...overrides,
  };
}

describe('dev mailbox on disk', () => {
  it('stores one file per mail, written whole, and reads it back with every header', async () => {
    const dir = freshDir();
    const box = createDevMailbox(dir);
    const sent = mail();
    await box.send(sent);
    expect(fs.readdirSync(dir)).toEqual([`${sent.id}.json`]);
    const stored = await box.read(sent.id);
    expect(stored).toMatchObject({
      id: sent.id,
      messageId: sent.messageId,
      to: 'ann@example.test',
      subject: 'Hello',
      text: 'Plain body',
      html: '<p>HTML body</p>',
      headers: { 'Message-ID': sent.messageId, 'List-Unsubscribe': '<https://example.test/u>' },
    });
    expect(Date.parse(stored!.sentAt)).not.toBeNaN();
  });

  it('replaces the file when the same mail is sent again (a retried job), rather than adding one', async () => {
    const dir = freshDir();
    const box = createDevMailbox(dir);
    const first = mail();
    await box.send(first);
    await box.send({ ...first, subject: 'Hello again' });
    expect(fs.readdirSync(dir)).toEqual([`${first.id}.json`]);
    expect((await box.read(first.id))?.subject).toBe('Hello again');
  });

  it('lists newest first in pages, each page continuing where the cursor left off', async () => {
    const box = createDevMailbox(freshDir());
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const m = mail({ subject: `Mail ${i}` });
      ids.push(m.id);
      await box.send(m);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await box.list({ limit: 3, cursor });
      seen.push(...result.items.map((item) => item.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    const first = await box.list({ limit: 1 });
    expect(first.items[0]).toEqual({
      id: ids[6],
      to: 'ann@example.test',
      subject: 'Mail 6',
      sentAt: expect.any(String),
    });
  });

  it('keeps only the newest mails once it holds more than its limit', async () => {
    const box = createDevMailbox(freshDir(), 3);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = mail();
      ids.push(m.id);
      await box.send(m);
    }
    const { items } = await box.list({ limit: 10 });
    expect(items.map((i) => i.id)).toEqual(ids.slice(2).reverse());
  });

  it('answers an empty page before the first mail and never reads outside its directory', async () => {
    const dir = freshDir();
    const box = createDevMailbox(path.join(dir, 'not-yet'));
    expect(await box.list({ limit: 5 })).toEqual({ items: [], nextCursor: null });
    fs.writeFileSync(path.join(dir, 'secret.json'), '{"subject":"secret"}');
    for (const hostile of ['../secret', '../secret.json', '', '..', `${uuidv7()}/../../secret`])
      expect(await box.read(hostile)).toBeUndefined();
    await expect(box.send(mail({ id: '../../escape' }))).rejects.toThrow(/not a UUID/);
    expect(fs.existsSync(path.join(dir, 'escape.json'))).toBe(false);
  });

  it('ignores stray files and leaves no temporary files behind', async () => {
    const dir = freshDir();
    const box = createDevMailbox(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const m = mail();
    await box.send(m);
    expect((await box.list({ limit: 10 })).items.map((i) => i.id)).toEqual([m.id]);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
