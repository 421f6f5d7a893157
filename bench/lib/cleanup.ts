/**
 * What a benchmark or drill run started and must undo — servers, load processes, temporary
 * directories, databases — as steps run newest first, each at most once. A failing step is reported
 * and the others still run, so one stuck process does not leave a database behind.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  /**
   * Also runs on SIGINT/SIGTERM, then exits 130: for runs that start what the exit hooks cannot
   * stop synchronously (nginx, databases to drop).
   */
  runOnSignals(): this {
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(`\n${signal}: cleaning up…`);
      void this.run().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return this;
  }

  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.name} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }
}
