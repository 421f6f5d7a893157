import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataDirError } from './data-dir.ts';

/** As JWT_SECRET: shorter keys can be guessed offline from one signed token. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Embedded mode keeps a generated secret (the JWT key) beside its data so tokens survive restarts.
 * A file that exists is never replaced: one that is empty or too short (truncated by a full disk,
 * edited by hand) stops the boot with the file's name and the fix, instead of serving 500s on every
 * login or signing tokens anyone can forge.
 */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  let stored: string;
  try {
    stored = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
  if (stored.length < MIN_SECRET_LENGTH)
    throw new DataDirError(
      `The secret file ${file} is empty or too short (${stored.length} characters; at least ` +
        `${MIN_SECRET_LENGTH} are needed). Delete it to have Muster generate a new one (everyone ` +
        `is signed out), or write a random value into it, e.g. \`openssl rand -base64 48 > ${file}\`.`,
    );
  return stored;
}
