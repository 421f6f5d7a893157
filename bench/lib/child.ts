/**
 * Request/answer over the IPC channel of a forked process, so a benchmark can drive its load
 * processes step by step (connect, arm, collect, close) and keep them off its own event loop.
 */
import { type ChildProcess, fork } from 'node:child_process';

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
interface Push {
  push: string;
  data: unknown;
}

export interface Child {
  readonly process: ChildProcess;
  /** Sends `{type, ...payload}` and resolves with the child's answer; rejects on error or timeout. */
  request<T>(type: string, payload?: object, timeoutMs?: number): Promise<T>;
  /** Unsolicited messages the child pushes (e.g. "all clients received"). */
  onPush(name: string, listener: (data: unknown) => void): void;
  /** SIGKILL unless it already ended. */
  kill(): void;
  exited: Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function forkChild(file: string, args: string[] = []): Child {
  const child = fork(file, args, {
    execPath: process.execPath,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  let next = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      for (const w of waiting.values()) w.reject(new Error(`${file} exited (${code ?? signal})`));
      waiting.clear();
      resolve();
    }),
  );
  child.on('message', (message: Answer | Push) => {
    if ('push' in message) {
      for (const listener of listeners.get(message.push) ?? []) listener(message.data);
      return;
    }
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.ok) w.resolve(message.result);
    else w.reject(new Error(message.error ?? 'child failed'));
  });
  return {
    process: child,
    request<T>(type: string, payload: object = {}, timeoutMs = 120_000) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${type}: no answer from ${file} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, type, ...payload });
      });
    },
    onPush(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    exited,
  };
}

type Handler = (message: Record<string, unknown>) => unknown;

/** The child side: answers each request with its handler's result; the parent going away ends it. */
export function serveParent(handlers: Record<string, Handler>): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: { id: number; type: string } & Record<string, unknown>) => {
    const handler = handlers[message.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${message.type}`);
        return handler(message);
      })
      .then(
        (result) => process.send?.({ id: message.id, ok: true, result }),
        (error: unknown) =>
          process.send?.({ id: message.id, ok: false, error: (error as Error).stack ?? String(error) }),
      );
  });
}

export function pushToParent(name: string, data: unknown): void {
  process.send?.({ push: name, data });
}
