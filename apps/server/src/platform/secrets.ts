import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Embedded mode keeps a generated JWT secret beside its data so tokens survive restarts. */
export function loadOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
