/** E-mail in `bench notify`: digests go to verified addresses only, and land in the dev mailbox. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** PostgreSQL only: marks every address verified, as digests go to verified addresses only. */
export async function verifyEveryone(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('UPDATE users SET email_verified_at = now() WHERE email_verified_at IS NULL');
  } finally {
    await client.end();
  }
}

/** Digest mails the server wrote to its dev mailbox (no SMTP configured). */
export function digestMails(dataDir: string): number {
  const dir = path.join(dataDir, 'mailbox');
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .filter((name) =>
      (JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { subject?: string }).subject?.endsWith(
        ' new on Muster',
      ),
    ).length;
}
