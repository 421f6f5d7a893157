import type { CheckinBody, CheckinKeys, CheckinResult, TicketAtDoor } from '@muster/protocol';
import { MAX_CHECKIN_BATCH } from '@muster/protocol';
import { Emitter } from '../emitter.ts';
import { MusterNetworkError } from '../errors.ts';
import type { Api } from '../http/api.ts';
import { newKey, type SignalsAdapter, type StorageAdapter, type TimersAdapter } from '../platform.ts';
import { OfflineVerifier } from './verifier.ts';

/** What a scanner shows for one scan. */
export interface ScanVerdict {
  scanId: string;
  result: CheckinResult['result'];
  /** Decided on this device with no network; uploaded later. */
  offline: boolean;
  ticket: TicketAtDoor | null;
  conflict: boolean;
  firstCheckin: CheckinResult['firstCheckin'];
  checkinId: string | null;
}

export interface DoorEvents {
  /** The queue, the network or the conflicts changed: re-read `state()`. */
  changed: DoorState;
}

export interface DoorState {
  online: boolean;
  /** Scans decided offline and not yet accepted by the server. */
  pending: number;
  /** Uploaded scans the server flagged: this door admitted a ticket another door had let in. */
  conflicts: ScanVerdict[];
  /** The keys the offline verifier holds (null until first fetched on this device). */
  keysAt: string | null;
}

export interface DoorOptions {
  doorId?: string;
  /** How long an online scan may take before the scanner decides on its own (default 1.5 s). */
  onlineTimeoutMs?: number;
  /** How often a non-empty queue is retried while online (default 10 s). */
  retryMs?: number;
}

interface Deps {
  api: Api;
  storage: StorageAdapter;
  signals: SignalsAdapter;
  timers: TimersAdapter;
  userId: string;
  /** Ticket ids revoked on `door:<eventId>` as the store holds them (live). */
  revoked(): Iterable<string>;
}

/**
 * A scanner at one door (PRODUCT F4, F5). Online, the server decides each scan. When the network is
 * gone — the device says so, or a scan gets no answer in `onlineTimeoutMs` — the scanner decides on
 * its own with the event's public keys, the revocation list and what it let in itself, and queues
 * the scan with its `scanId` in durable storage. On reconnect (and every `retryMs` while anything
 * waits) the queue goes up in one batch; a scan leaves the queue only once the server answered for
 * it, and a batch sent twice is harmless (the server applies each `scanId` once). Conflicts the
 * server flags come back as `conflicts`, so the door that admitted second is told.
 * No mode switch: nobody has to notice the Wi-Fi dropped.
 */
export class DoorScanner {
  readonly events = new Emitter<DoorEvents>();
  readonly eventId: string;
  private readonly doorId: string | undefined;
  private readonly deps: Deps;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private verifier: OfflineVerifier | null = null;
  private keysAt: string | null = null;
  private queue: CheckinBody[] = [];
  private conflicts: ScanVerdict[] = [];
  private uploading: Promise<void> | null = null;
  private retryTimer: unknown = null;
  private stopSignals: (() => void) | null = null;
  private lastOnline = true;

  constructor(eventId: string, deps: Deps, options: DoorOptions = {}) {
    this.eventId = eventId;
    this.deps = deps;
    this.doorId = options.doorId;
    this.timeoutMs = options.onlineTimeoutMs ?? 1500;
    this.retryMs = options.retryMs ?? 10_000;
  }

  private get queueKey() {
    return `door-queue:${this.deps.userId}:${this.eventId}`;
  }
  private get keysKey() {
    return `door-keys:${this.eventId}`;
  }

  /** Loads what this device kept (keys, queue), fetches fresh keys when it can, starts uploading. */
  async open(): Promise<this> {
    this.queue = (await this.deps.storage.get<CheckinBody[]>(this.queueKey)) ?? [];
    const kept = await this.deps.storage.get<CheckinKeys>(this.keysKey);
    if (kept) this.useKeys(kept);
    await this.refreshKeys().catch(() => undefined);
    this.lastOnline = this.deps.signals.current().online;
    this.stopSignals = this.deps.signals.subscribe((state) => {
      if (state.online && !this.lastOnline) void this.flush();
      this.lastOnline = state.online;
      this.emit();
    });
    void this.flush();
    this.emit();
    return this;
  }

  close(): void {
    this.stopSignals?.();
    if (this.retryTimer) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  state(): DoorState {
    return {
      online: this.deps.signals.current().online,
      pending: this.queue.length,
      conflicts: [...this.conflicts],
      keysAt: this.keysAt,
    };
  }

  /** Fetches the keys and revocation list (and keeps them for a reload with no network). */
  async refreshKeys(): Promise<void> {
    const keys = await this.deps.api.door.keys(this.eventId);
    await this.deps.storage.set(this.keysKey, keys);
    this.useKeys(keys);
    this.emit();
  }

  /** Decides one scanned code (or, for staff, a ticket id picked by hand — online only). */
  async scan(
    code: string,
    options: { direction?: 'in' | 'out'; ticketId?: string } = {},
  ): Promise<ScanVerdict> {
    const direction = options.direction ?? 'in';
    const body: CheckinBody = {
      ...(options.ticketId ? { ticketId: options.ticketId } : { qr: code.trim() }),
      scanId: newKey(),
      scannedAt: new Date(this.deps.timers.now()).toISOString(),
      direction,
      ...(this.doorId ? { doorId: this.doorId } : {}),
    };
    if (this.deps.signals.current().online) {
      try {
        const result = await this.withTimeout(this.deps.api.door.scan(this.eventId, body));
        this.learn(result, direction);
        return verdictOf(result, false);
      } catch (error) {
        if (!(error instanceof MusterNetworkError) || options.ticketId) throw error;
      }
    }
    if (options.ticketId) throw new MusterNetworkError('Picking a ticket by hand needs the network');
    return this.decideOffline(body, direction);
  }

  /** Uploads the queue now (also run on reconnect and on a timer). */
  flush(): Promise<void> {
    this.uploading ??= this.upload().finally(() => {
      this.uploading = null;
    });
    return this.uploading;
  }

  private async decideOffline(body: CheckinBody, direction: 'in' | 'out'): Promise<ScanVerdict> {
    const verifier = this.verifier;
    if (!verifier) return { ...verdictOf(null, true), scanId: body.scanId, result: 'invalid' };
    for (const id of this.deps.revoked()) verifier.revoke(id);
    const check = verifier.check(body.qr ?? '', direction);
    const admitted = check.verdict === 'admitted';
    if (check.ticketId && (admitted || direction === 'out')) {
      verifier.remember(check.ticketId, direction);
      this.queue.push({ ...body, offlineVerdict: 'admitted' });
      await this.deps.storage.set(this.queueKey, this.queue);
      this.scheduleRetry();
      this.emit();
    }
    return {
      scanId: body.scanId,
      result:
        direction === 'out' && check.ticketId && check.verdict !== 'invalid' && check.verdict !== 'void'
          ? 'exited'
          : check.verdict,
      offline: true,
      ticket: null,
      conflict: false,
      firstCheckin: null,
      checkinId: null,
    };
  }

  private async upload(): Promise<void> {
    while (this.queue.length && this.deps.signals.current().online) {
      const batch = this.queue.slice(0, MAX_CHECKIN_BATCH);
      let answer: Awaited<ReturnType<Api['door']['upload']>>;
      try {
        answer = await this.deps.api.door.upload(this.eventId, batch);
      } catch {
        this.scheduleRetry();
        return;
      }
      const answered = new Set<string>();
      for (const result of answer.results) {
        if (!result.scanId) continue;
        answered.add(result.scanId);
        if (result.conflict)
          this.conflicts = [
            ...this.conflicts.filter((c) => c.scanId !== result.scanId),
            verdictOf(result, true),
          ];
      }
      // What the server answered for leaves the queue (a refused item too: sending it again cannot help).
      this.queue = this.queue.filter((scan) => !answered.has(scan.scanId));
      await this.deps.storage.set(this.queueKey, this.queue);
      this.emit();
      if (answered.size === 0) break;
    }
    if (this.queue.length) this.scheduleRetry();
  }

  private scheduleRetry() {
    if (this.retryTimer) return;
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, this.retryMs);
  }

  private learn(result: CheckinResult, direction: 'in' | 'out') {
    if (!result.ticket || !this.verifier) return;
    if (result.result === 'admitted' || result.result === 'already_checked_in')
      this.verifier.remember(result.ticket.id, 'in');
    else if (result.result === 'exited' || direction === 'out')
      this.verifier.remember(result.ticket.id, 'out');
  }

  private useKeys(keys: CheckinKeys) {
    if (this.verifier) this.verifier.update(keys);
    else this.verifier = new OfflineVerifier(keys);
    this.keysAt = keys.at;
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.deps.timers.setTimeout(
        () => reject(new MusterNetworkError(`No answer from the server within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      promise.then(
        (value) => {
          this.deps.timers.clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          this.deps.timers.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private emit() {
    this.events.emit('changed', this.state());
  }
}

function verdictOf(result: CheckinResult | null, offline: boolean): ScanVerdict {
  return {
    scanId: result?.scanId ?? '',
    result: result?.result ?? 'invalid',
    offline,
    ticket: result?.ticket ?? null,
    conflict: result?.conflict ?? false,
    firstCheckin: result?.firstCheckin ?? null,
    checkinId: result?.checkinId ?? null,
  };
}
