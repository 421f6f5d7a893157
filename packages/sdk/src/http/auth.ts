import type { AuthResult, TokenPair, User } from '@muster/protocol';
import type { Emitter } from '../emitter.ts';
import { MusterApiError } from '../errors.ts';
import type { StorageAdapter, TimersAdapter } from '../platform.ts';
import type { TokenSource } from './transport.ts';

export interface StoredAuth {
  user: User;
  accessToken: string;
  refreshToken: string;
  /**
   * The server's clock minus this device's, measured when the access token arrived (its `iat`
   * against the local time). A device whose clock is off by more than a token's life would
   * otherwise see every fresh token as expired and refresh for ever.
   */
  clockSkewMs?: number;
}

export type SignOutReason = 'signed_out' | 'refresh_failed';

export interface AuthEvents {
  /** The access token changed (sign-in or refresh): the real-time connection re-authenticates. */
  tokens: { accessToken: string };
  /** The session ended: by the user, or because the refresh token was refused (expired, revoked, reused). */
  signedOut: { reason: SignOutReason };
}

const KEY = 'auth';
/** Refresh ahead of expiry by this much, so that a request never leaves with a token about to die. */
export const EXPIRY_MARGIN_MS = 30_000;

/**
 * The signed-in session: tokens kept through the storage adapter, refreshed silently. Refresh
 * tokens rotate and a spent one presented again revokes its whole family, so a refresh is
 * single-flight: every caller that needs one while it runs waits for the same answer, and a token
 * known to be spent is never sent again.
 */
export class Auth implements TokenSource {
  private state: StoredAuth | null = null;
  private refreshing: Promise<string | undefined> | null = null;
  private readonly storage: StorageAdapter;
  private readonly timers: TimersAdapter;
  private readonly events: Emitter<AuthEvents>;
  private readonly postRefresh: (body: { refreshToken: string }) => Promise<TokenPair>;
  private readonly expiryMarginMs: number;
  /** How many refresh requests were sent (for tests and diagnostics). */
  refreshCount = 0;

  constructor(options: {
    storage: StorageAdapter;
    timers: TimersAdapter;
    events: Emitter<AuthEvents>;
    postRefresh: (body: { refreshToken: string }) => Promise<TokenPair>;
    expiryMarginMs?: number;
  }) {
    this.expiryMarginMs = options.expiryMarginMs ?? EXPIRY_MARGIN_MS;
    this.storage = options.storage;
    this.timers = options.timers;
    this.events = options.events;
    this.postRefresh = options.postRefresh;
  }

  async load(): Promise<StoredAuth | null> {
    this.state = (await this.storage.get<StoredAuth>(KEY)) ?? null;
    return this.state;
  }

  get user(): User | null {
    return this.state?.user ?? null;
  }

  /** Adopts the answer of register or login. */
  async signedIn(result: AuthResult): Promise<void> {
    this.state = {
      user: result.user,
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      clockSkewMs: this.skewOf(result.accessToken),
    };
    await this.storage.set(KEY, this.state);
    this.events.emit('tokens', { accessToken: result.accessToken });
  }

  async updateUser(user: User): Promise<void> {
    if (!this.state || this.state.user.id !== user.id) return;
    this.state = { ...this.state, user };
    await this.storage.set(KEY, this.state);
  }

  /** The refresh token to hand to `logout` (and forgets the session). */
  async signOut(reason: SignOutReason): Promise<string | undefined> {
    const refreshToken = this.state?.refreshToken;
    if (!this.state) return undefined;
    this.state = null;
    await this.storage.delete(KEY);
    this.events.emit('signedOut', { reason });
    return refreshToken;
  }

  async accessToken(): Promise<string | undefined> {
    const state = this.state;
    if (!state) return undefined;
    const expiresAt = this.localExpiry(state.accessToken);
    if (expiresAt !== undefined && expiresAt - this.timers.now() < this.expiryMarginMs) {
      return (await this.refresh()) ?? undefined;
    }
    return state.accessToken;
  }

  /**
   * When `token` expires on this device's clock (ms): its `exp` moved by the skew measured when
   * the current token arrived. Undefined if the token carries no readable `exp`.
   */
  localExpiry(token: string): number | undefined {
    const exp = tokenExpiry(token);
    return exp === undefined ? undefined : exp - (this.state?.clockSkewMs ?? 0);
  }

  private skewOf(accessToken: string): number {
    const issuedAt = tokenClaims(accessToken)?.iat;
    return typeof issuedAt === 'number' ? issuedAt * 1000 - this.timers.now() : 0;
  }

  /** Synchronous read of the current access token (for the socket handshake). */
  currentAccessToken(): string | undefined {
    return this.state?.accessToken;
  }

  async recover(used: string): Promise<string | undefined> {
    // Someone refreshed since this request left: use their token, do not refresh again.
    if (this.state && this.state.accessToken !== used) return this.state.accessToken;
    return this.refresh();
  }

  /** One refresh at a time; everyone asking meanwhile gets the same result. */
  refresh(): Promise<string | undefined> {
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async runRefresh(): Promise<string | undefined> {
    const current = this.state;
    if (!current) return undefined;
    // Another tab or client on the same storage may have rotated the pair: adopt it rather than
    // present our (now spent) refresh token, which would revoke the family.
    const stored = await this.storage.get<StoredAuth>(KEY);
    if (stored && stored.user.id === current.user.id && stored.refreshToken !== current.refreshToken) {
      this.state = stored;
      this.events.emit('tokens', { accessToken: stored.accessToken });
      return stored.accessToken;
    }
    let pair: TokenPair;
    try {
      this.refreshCount++;
      pair = await this.postRefresh({ refreshToken: current.refreshToken });
    } catch (error) {
      // Refused (expired, revoked, reused): the session is over. A network failure is not: its
      // outcome is unknown, and the next refresh tries again (if the server did spend the token, it
      // refuses then and we sign out, which is all that giving up now would have achieved).
      if (error instanceof MusterApiError && error.status < 500 && error.status !== 429) {
        if (this.state === current) await this.signOut('refresh_failed');
        return undefined;
      }
      throw error;
    }
    if (this.state !== current) return this.state?.accessToken; // signed out or in meanwhile
    this.state = { ...current, ...pair, clockSkewMs: this.skewOf(pair.accessToken) };
    await this.storage.set(KEY, this.state);
    this.events.emit('tokens', { accessToken: pair.accessToken });
    return pair.accessToken;
  }
}

/** The claims of a JWT, read without verifying (the server verifies); undefined if unreadable. */
function tokenClaims(token: string): { exp?: unknown; iat?: unknown } | undefined {
  const payload = token.split('.')[1];
  const atob = (globalThis as { atob?: (data: string) => string }).atob;
  if (!payload || !atob) return undefined;
  try {
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    );
    return JSON.parse(json) as { exp?: unknown; iat?: unknown };
  } catch {
    return undefined;
  }
}

/** `exp` of a JWT in ms on the server's clock; undefined if unreadable. */
export function tokenExpiry(token: string): number | undefined {
  const exp = tokenClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
