import type { Platform } from '../platform/context.ts';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
}

/** Placeholder until the events module lands; replaced by the real demo below. */
export async function seedDemo(_platform: Platform): Promise<DemoLogin[]> {
  return [];
}

export function printDemoLogins(logins: DemoLogin[], publicUrl: string) {
  if (!logins.length) return;
  const lines = logins.map((l) => `    ${l.role.padEnd(10)} ${l.email.padEnd(28)} ${l.password}`);
  process.stdout.write(`\n  Demo event seeded. Sign in at ${publicUrl} with:\n\n${lines.join('\n')}\n\n`);
}
