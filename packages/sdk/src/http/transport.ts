import type { Problem } from '@muster/protocol';
import { MusterApiError, MusterNetworkError, parseRetryAfter } from '../errors.ts';
import type { FetchLike, ResponseLike, TimersAdapter } from '../platform.ts';

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A raw body sent as is (an image upload), typed by the blob's own type; excludes `body`. */
  upload?: Blob;
  /** Sent as `Idempotency-Key`: a repeat with the same key returns the first answer. */
  idempotencyKey?: string;
  /** Send the access token (default true). */
  auth?: boolean;
  /** Extra headers (e.g. `If-None-Match`). */
  headers?: Record<string, string>;
  /** The answer's body as text (a vCard), not parsed as JSON. */
  text?: boolean;
}

/** Where the transport gets the access token, and how it recovers from a 401. */
export interface TokenSource {
  /** A usable access token (refreshed first if it is about to expire), or undefined when signed out. */
  accessToken(): Promise<string | undefined>;
  /**
   * The request sent with `used` got 401: a newer token if there is one (refreshing once, shared by
   * every caller that hit the same 401), or undefined when the session is over.
   */
  recover(used: string): Promise<string | undefined>;
}

export interface TransportOptions {
  baseUrl: string;
  fetch?: FetchLike;
  timers: TimersAdapter;
  /** Abort a request that has not answered after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * HTTP with the Muster conventions: JSON in and out, problem+json errors as `MusterApiError`,
 * the bearer token from a `TokenSource` with one retry after a refresh, and an estimate of the
 * server's clock (from `Date`) so that edit times can be compared with server timestamps.
 */
export class Transport {
  readonly baseUrl: string;
  tokens: TokenSource | null = null;
  /** serverTime ≈ local time + clockOffsetMs. */
  clockOffsetMs = 0;
  private clockBounds: { lo: number; hi: number } | null = null;
  private readonly fetchImpl: FetchLike;
  private readonly timers: TimersAdapter;
  private readonly timeoutMs: number;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    // Called through globalThis: browsers throw "Illegal invocation" for a detached `fetch`.
    this.fetchImpl =
      options.fetch ?? (((url, init) => (globalThis.fetch as unknown as FetchLike)(url, init)) as FetchLike);
    this.timers = options.timers;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The server's clock, estimated. */
  serverNow(): number {
    return this.timers.now() + this.clockOffsetMs;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const wantsAuth = options.auth ?? true;
    const token = wantsAuth ? await this.tokens?.accessToken() : undefined;
    const first = await this.send(method, path, options, token);
    if (first.response.status === 401 && token && this.tokens) {
      const next = await this.tokens.recover(token);
      if (next) return this.read<T>(await this.send(method, path, options, next), options.text);
    }
    return this.read<T>(first, options.text);
  }

  private async send(method: string, path: string, options: RequestOptions, token: string | undefined) {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.upload) headers['content-type'] = options.upload.type || 'application/octet-stream';
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const controller = new AbortController();
    const timer = this.timers.setTimeout(() => controller.abort(), this.timeoutMs);
    const started = this.timers.now();
    try {
      const response = await this.fetchImpl(this.baseUrl + path + queryString(options.query), {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.upload ? { body: options.upload } : {}),
        signal: controller.signal,
      });
      this.observeClock(response, started);
      return { response, text: await response.text() };
    } catch (error) {
      throw new MusterNetworkError(`${method} ${path}: no answer (${(error as Error).message})`, {
        cause: error,
      });
    } finally {
      this.timers.clearTimeout(timer);
    }
  }

  private read<T>({ response, text }: { response: ResponseLike; text: string }, asText = false): T {
    const { status } = response;
    if (status >= 200 && status < 300) return (asText ? text : text ? JSON.parse(text) : undefined) as T;
    let problem: Partial<Problem> = {};
    try {
      problem = text ? (JSON.parse(text) as Partial<Problem>) : {};
    } catch {
      problem = { detail: text.slice(0, 200) };
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), this.timers.now());
    throw new MusterApiError(status, problem, retryAfter);
  }

  /**
   * `Date` has one-second resolution: the server's clock read [date, date + 1 s) at some moment
   * between sending and receiving, so the offset lies in [date − received, date + 1 s − sent].
   * Intersecting these bounds over answers narrows the estimate to about a round trip; bounds that
   * no longer meet mean a clock jumped, and the estimate starts again.
   */
  private observeClock(response: ResponseLike, sent: number) {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isNaN(date)) return;
    const received = this.timers.now();
    const lo = date - received;
    const hi = date + 1000 - sent;
    const bounds = this.clockBounds;
    const next =
      bounds && Math.max(lo, bounds.lo) <= Math.min(hi, bounds.hi)
        ? { lo: Math.max(lo, bounds.lo), hi: Math.min(hi, bounds.hi) }
        : { lo, hi };
    this.clockBounds = next;
    this.clockOffsetMs = (next.lo + next.hi) / 2;
  }
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `/api/v1/sessions/<id>` with each segment encoded: an id can never change the path. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]!) : ''),
    '',
  );
}
