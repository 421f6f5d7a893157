/**
 * Where a start goes: each step of the boot marks its end, and `muster serve --timings` (or
 * `LOG_LEVEL=debug`) prints the steps once `/readyz` would answer. Times are from the process's
 * own start (`performance.now()` counts from it), so the first step includes Node's start-up and
 * loading the code.
 */
// On `globalThis` because `npm start` marks its own steps before it loads the server, which may be
// a separate bundle with its own copy of this module.
const MARKS = Symbol.for('muster.bootMarks');
const holder = globalThis as { [MARKS]?: { step: string; note: string; at: number }[] };
holder[MARKS] ??= [];
const marks = holder[MARKS];

/**
 * Records that `step` just ended; `note` says what it did where that varies (whether a build ran,
 * how many migrations were applied). Cheap enough to call unconditionally.
 */
export function markBoot(step: string, note = ''): void {
  marks.push({ step, note, at: performance.now() });
}

export interface BootStep {
  step: string;
  note: string;
  /** Milliseconds the step took (since the previous mark, or since the process started). */
  ms: number;
  /** Milliseconds since the process started when the step ended. */
  atMs: number;
}

export function bootSteps(): BootStep[] {
  return marks.map((mark, index) => ({
    step: mark.step,
    note: mark.note,
    ms: mark.at - (index === 0 ? 0 : marks[index - 1]!.at),
    atMs: mark.at,
  }));
}

/** A table for a terminal: one line a step, the total last. */
export function formatBootSteps(steps: BootStep[] = bootSteps()): string {
  const width = Math.max(...steps.map((s) => s.step.length), 5);
  const lines = steps.map((s) =>
    `  ${s.step.padEnd(width)}  ${s.ms.toFixed(0).padStart(6)} ms${s.note ? `  ${s.note}` : ''}`.trimEnd(),
  );
  const total = steps.at(-1)?.atMs ?? 0;
  return [...lines, `  ${'total'.padEnd(width)}  ${total.toFixed(0).padStart(6)} ms`].join('\n');
}

/** The steps back from `formatBootSteps`'s table in a start's output (tests and `bench boot`). */
export function parseBootSteps(output: string): Pick<BootStep, 'step' | 'ms' | 'note'>[] {
  const steps: Pick<BootStep, 'step' | 'ms' | 'note'>[] = [];
  for (const line of output.slice(output.indexOf('Start-up:')).split('\n').slice(1)) {
    const match = /^ {2}(\S.*?) {2,}(\d+) ms(?: {2}(.*))?$/.exec(line);
    if (!match) continue;
    if (match[1] === 'total') break;
    steps.push({ step: match[1]!, ms: Number(match[2]), note: match[3] ?? '' });
  }
  return steps;
}
