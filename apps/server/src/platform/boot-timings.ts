/**
 * Where a start goes: each step of the boot marks its end, and `muster serve --timings` (or
 * `LOG_LEVEL=debug`) prints the steps once `/readyz` would answer. Times are from the process's
 * own start (`performance.now()` counts from it), so the first step includes Node's start-up and
 * loading the code.
 */
// On `globalThis` because `npm start` marks its own steps before it loads the server, which may be
// a separate bundle with its own copy of this module.
const MARKS = Symbol.for('muster.bootMarks');
const holder = globalThis as { [MARKS]?: { step: string; at: number }[] };
holder[MARKS] ??= [];
const marks = holder[MARKS];

/** Records that `step` just ended. Cheap enough to call unconditionally. */
export function markBoot(step: string): void {
  marks.push({ step, at: performance.now() });
}

export interface BootStep {
  step: string;
  /** Milliseconds the step took (since the previous mark, or since the process started). */
  ms: number;
  /** Milliseconds since the process started when the step ended. */
  atMs: number;
}

export function bootSteps(): BootStep[] {
  return marks.map((mark, index) => ({
    step: mark.step,
    ms: mark.at - (index === 0 ? 0 : marks[index - 1]!.at),
    atMs: mark.at,
  }));
}

/** A table for a terminal: one line a step, the total last. */
export function formatBootSteps(steps: BootStep[] = bootSteps()): string {
  const width = Math.max(...steps.map((s) => s.step.length), 5);
  const lines = steps.map((s) => `  ${s.step.padEnd(width)}  ${s.ms.toFixed(0).padStart(6)} ms`);
  const total = steps.at(-1)?.atMs ?? 0;
  return [...lines, `  ${'total'.padEnd(width)}  ${total.toFixed(0).padStart(6)} ms`].join('\n');
}
