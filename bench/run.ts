/**
 * `npm run bench -- <name> [flags]`: runs `bench/<name>.ts`, whose `main(args)` returns the exit code
 * (non-zero when a target in QUALITY.md is missed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureBenchTools } from '../scripts/bench-tools.ts';

export type BenchMain = (args: string[]) => Promise<number>;

const available = fs
  .readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <name> [flags]\nBenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
ensureBenchTools();
const bench = (await import(path.join(import.meta.dirname, `${name}.ts`))) as { main: BenchMain };
const code = await bench.main(args).catch((error: unknown) => {
  console.error(`bench ${name} failed: ${(error as Error).stack ?? String(error)}`);
  return 1;
});
// Exit explicitly: an idle keep-alive socket must not keep a finished benchmark waiting.
process.exit(code);
