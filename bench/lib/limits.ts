/**
 * Open-file limits. Every socket is a file descriptor: N clients need N descriptors in the load
 * process and N in the server. Children inherit the coordinator's limit, so raising the
 * coordinator's soft limit (up to its hard limit, with `prlimit`) before anything is spawned
 * raises it for every process the benchmark starts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface OpenFiles {
  soft: number;
  hard: number;
}

export function openFilesOf(pid: number | 'self'): OpenFiles | undefined {
  try {
    const line = fs
      .readFileSync(`/proc/${pid}/limits`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.match(/(\d+|unlimited)\s+(\d+|unlimited)/)?.slice(1) ?? []).map((v) =>
      v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v),
    );
    return soft !== undefined && hard !== undefined ? { soft, hard } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure this process (and so every child it spawns from now on) may open `need` files.
 * Returns a line for the report; throws with the remedy when the hard limit is too low.
 */
export function ensureOpenFiles(need: number): string {
  const limits = openFilesOf('self');
  if (!limits) return 'open files: limit unknown (no /proc), not checked';
  if (limits.soft >= need) return `open files: soft limit ${limits.soft} ≥ ${need} needed per process`;
  if (limits.hard >= need) {
    const result = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${need}:${limits.hard}`]);
    const after = openFilesOf('self');
    if (result.status === 0 && after && after.soft >= need)
      return `open files: soft limit raised ${limits.soft} → ${after.soft} (hard ${limits.hard}) for this run`;
  }
  throw new Error(
    `need ${need} open files per process, but the limit is ${limits.soft} (hard ${limits.hard}); ` +
      `raise it first, e.g. \`ulimit -n ${need}\` (as root: \`ulimit -Hn ${need}; ulimit -n ${need}\`)`,
  );
}
