/**
 * `npm run drill -- <name> [flags]`: runs the reliability drill `scripts/drills/<name>.ts`, whose
 * `main(args)` returns the exit code (non-zero when the guarantee it checks did not hold).
 * Drills are scripted versions of the reliability items in QUALITY.md that need more than a test
 * can set up (several processes, a load balancer, kill -9). Each cleans up what it started.
 */
import fs from 'node:fs';
import path from 'node:path';

export type DrillMain = (args: string[]) => Promise<number>;

const dir = path.join(import.meta.dirname, 'drills');
const available = fs
  .readdirSync(dir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run drill -- <name> [flags]\nDrills: ${available.join(', ')}`);
  process.exit(2);
}
const drill = (await import(path.join(dir, `${name}.ts`))) as { main: DrillMain };
const code = await drill.main(args).catch((error: unknown) => {
  console.error(`drill ${name} failed: ${(error as Error).stack ?? String(error)}`);
  return 1;
});
process.exit(code);
