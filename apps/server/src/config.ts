import path from 'node:path';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { compileTrust, type TrustProxy } from './platform/http/client-address.ts';

const Roles = ['api', 'realtime', 'worker'] as const;
export type Role = (typeof Roles)[number];

const EnvSchema = Type.Object({
  PORT: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  ALLOWED_ORIGINS: Type.Optional(Type.String({ pattern: '^https?://[^,\\s]+(,https?://[^,\\s]+)*$' })),
  MUSTER_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_READ_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  MUSTER_ROLES: Type.Optional(Type.String({ pattern: '^(api|realtime|worker)(,(api|realtime|worker))*$' })),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  LOG_LEVEL: Type.Optional(Type.String({ pattern: '^(fatal|error|warn|info|debug|trace|silent)$' })),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.Optional(
    Type.String({ maxLength: 320, pattern: '^([^<>\\r\\n]*<[^<>@\\s]+@[^<>@\\s]+>|[^<>@\\s]+@[^<>@\\s]+)$' }),
  ),
  MAIL_BULK_PER_SECOND: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  MAIL_RECIPIENT_PER_DAY: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
  MAIL_COMMUNITY_PER_DAY: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,7}$' })),
  MAIL_VERIFIED_COMMUNITY_PER_DAY: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,7}$' })),
  MAIL_ACCOUNT_PER_HOUR: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  HTTP_RATE_LIMIT_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,6}$' })),
  QUEUE_VISIBILITY_TIMEOUT_SECONDS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  QUEUE_MAX_RECEIVES: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9][0-9])$' })),
  FORM_SUBMISSIONS_PER_MINUTE: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,7}$' })),
  SOCKETS_PER_USER: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  SOCKET_ACCESS_SWEEP_SECONDS: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  MUSTER_SEED: Type.Optional(Type.String({ pattern: '^(auto|never|always)$' })),
  MUSTER_WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
  TRUST_PROXY: Type.Optional(Type.String({ maxLength: 2000, pattern: '^[^\\s,]+(\\s*,\\s*[^\\s,]+)*$' })),
  STRIPE_SECRET_KEY: Type.Optional(
    Type.String({ minLength: 8, maxLength: 300, pattern: '^[\\x21-\\x7e]+$' }),
  ),
  STRIPE_WEBHOOK_SECRET: Type.Optional(
    Type.String({ minLength: 8, maxLength: 300, pattern: '^[\\x21-\\x7e]+$' }),
  ),
  STRIPE_API_BASE: Type.Optional(Type.String({ pattern: '^https?://' })),
  TICKET_HOLD_MINUTES: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  VAPID_PUBLIC_KEY: Type.Optional(
    Type.String({ minLength: 80, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
  ),
  VAPID_PRIVATE_KEY: Type.Optional(
    Type.String({ minLength: 40, maxLength: 50, pattern: '^[A-Za-z0-9_-]+$' }),
  ),
  VAPID_SUBJECT: Type.Optional(
    Type.String({ maxLength: 300, pattern: '^(mailto:[^\\s]+|https://[^\\s]+)$' }),
  ),
  NOTIFY_TIME_SCALE: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 32, maxLength: 512, pattern: '^[\\x21-\\x7e]+$' })),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** Browser origins allowed to open a socket: PUBLIC_URL's origin plus ALLOWED_ORIGINS. */
  allowedOrigins: ReadonlySet<string>;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseReadUrl: string | undefined;
  redisUrl: string | undefined;
  roles: ReadonlySet<Role>;
  /** Unset in embedded mode: the server generates one and keeps it in the data directory. */
  jwtSecret: string | undefined;
  logLevel: string;
  /** Unset: mail goes to the dev mailbox under `dataDir/mailbox` instead of an SMTP server. */
  smtpUrl: string | undefined;
  /** Sender of every mail, `addr@host` or `Name <addr@host>`; its domain also names Message-IDs. */
  mailFrom: string;
  /** Pace and caps of mail; see `MailLimits`. */
  mailLimits: MailLimits;
  otlpEndpoint: string | undefined;
  /** Requests per minute per signed-in session (or per IP when anonymous). */
  httpRateLimitPerMinute: number;
  /** Visibility timeout of every queue whose job definition does not set its own (default 30 s). */
  queueVisibilityTimeoutSeconds: number;
  /** Receives before a job is dead-lettered, for queues that do not set their own (default 5). */
  queueMaxReceives: number;
  /** Form submissions per minute across all forms (per node; cluster-wide with Redis). */
  formSubmissionsPerMinute: number;
  /** Open sockets one user may hold on one node; the next handshake is refused (`too_many_sockets`). */
  socketsPerUser: number;
  /**
   * How often each node re-checks every socket's subscriptions and session (default 60 s): the safety
   * net under the immediate re-check that access changes trigger.
   */
  socketAccessSweepSeconds: number;
  /** `auto` seeds a demo only into a new embedded database. */
  seed: 'auto' | 'never' | 'always';
  /** The built web app (`apps/web/dist` unless MUSTER_WEB_DIR says otherwise), served at `/`. */
  webDir: string;
  /**
   * Proxies allowed to state the client's address in X-Forwarded-For. Unset (false): none, the
   * header is ignored and every per-address limit counts the connection's own peer.
   */
  trustProxy: TrustProxy;
  /** Bearer token `/metrics` requires; unset: generated into `dataDir/metrics-token`. */
  metricsToken: string | undefined;
  /** Stripe, for paid tickets; unset: paid ticket types are refused and free tickets work. */
  stripe: { secretKey: string; webhookSecret: string; apiBase: string | undefined } | null;
  /** How long a pending paid order holds its seats (default 15 minutes). */
  ticketHoldMinutes: number;
  /** Benchmarks only: the notification clock (windows, caps, digests) runs this many times faster. */
  notifyTimeScale: number;
  /** Web Push signing keys and contact; unset keys are generated once into the database. */
  vapid: { publicKey?: string; privateKey?: string; subject?: string } | null;
}

/**
 * Account mail (verification, reset, invitations) answers a person's own action; bulk mail
 * (follow-ups, opt-in confirmations, digests) is sent for a community to people who may never
 * have asked for it, so it is paced and capped. Windows are UTC calendar days and clock hours.
 */
export interface MailLimits {
  /** Bulk mails each node's worker hands to the transport per second (default 2). */
  bulkPerSecond: number;
  /** Bulk mails one address receives per day, from all communities together (default 3). */
  recipientPerDay: number;
  /** Bulk mails one community sends per day (default 1,000), and once verified (default 20,000). */
  communityPerDay: number;
  verifiedCommunityPerDay: number;
  /** Account mails one address receives per hour (default 5). */
  accountPerHour: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The one reader of `process.env`: validates every key at once and reports all problems together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const problems = [...Value.Errors(EnvSchema, picked)].map(
    (e) => `${e.instancePath.slice(1)}: ${e.message}`,
  );
  const port = Number(picked.PORT ?? 3000);
  if (!problems.some((p) => p.startsWith('PORT')) && port > 65535)
    problems.push('PORT: must be between 0 and 65535');
  const trustProxy = problems.some((p) => p.startsWith('TRUST_PROXY'))
    ? false
    : parseTrustProxy(picked.TRUST_PROXY, problems);
  if (Boolean(picked.STRIPE_SECRET_KEY) !== Boolean(picked.STRIPE_WEBHOOK_SECRET))
    problems.push(
      'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: set both (payments need the webhook to settle) or neither',
    );
  if (Boolean(picked.VAPID_PUBLIC_KEY) !== Boolean(picked.VAPID_PRIVATE_KEY))
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both (one key pair) or neither');
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = (picked.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const allowedOrigins = new Set([
    new URL(publicUrl).origin,
    ...(picked.ALLOWED_ORIGINS?.split(',') ?? []).map((o) => new URL(o).origin),
  ]);
  const roles = (picked.MUSTER_ROLES ?? Roles.join(',')).split(',') as Role[];
  return {
    port,
    host: picked.HOST ?? '0.0.0.0',
    publicUrl,
    allowedOrigins,
    dataDir: path.resolve(picked.MUSTER_DATA_DIR ?? '.muster'),
    databaseUrl: picked.DATABASE_URL,
    databaseReadUrl: picked.DATABASE_READ_URL,
    redisUrl: picked.REDIS_URL,
    roles: new Set(roles),
    jwtSecret: picked.JWT_SECRET,
    logLevel: picked.LOG_LEVEL ?? 'info',
    smtpUrl: picked.SMTP_URL,
    mailFrom: picked.MAIL_FROM ?? `Muster <no-reply@${new URL(publicUrl).hostname}>`,
    mailLimits: {
      bulkPerSecond: Number(picked.MAIL_BULK_PER_SECOND ?? 2),
      recipientPerDay: Number(picked.MAIL_RECIPIENT_PER_DAY ?? 3),
      communityPerDay: Number(picked.MAIL_COMMUNITY_PER_DAY ?? 1_000),
      verifiedCommunityPerDay: Number(picked.MAIL_VERIFIED_COMMUNITY_PER_DAY ?? 20_000),
      accountPerHour: Number(picked.MAIL_ACCOUNT_PER_HOUR ?? 5),
    },
    otlpEndpoint: picked.OTEL_EXPORTER_OTLP_ENDPOINT,
    httpRateLimitPerMinute: Number(picked.HTTP_RATE_LIMIT_PER_MINUTE ?? 600),
    queueVisibilityTimeoutSeconds: Number(picked.QUEUE_VISIBILITY_TIMEOUT_SECONDS ?? 30),
    queueMaxReceives: Number(picked.QUEUE_MAX_RECEIVES ?? 5),
    formSubmissionsPerMinute: Number(picked.FORM_SUBMISSIONS_PER_MINUTE ?? 120_000),
    socketsPerUser: Number(picked.SOCKETS_PER_USER ?? 20),
    socketAccessSweepSeconds: Number(picked.SOCKET_ACCESS_SWEEP_SECONDS ?? 60),
    seed: (picked.MUSTER_SEED as Config['seed'] | undefined) ?? 'auto',
    webDir: path.resolve(picked.MUSTER_WEB_DIR ?? path.join(import.meta.dirname, '../../web/dist')),
    trustProxy,
    metricsToken: picked.METRICS_TOKEN,
    stripe:
      picked.STRIPE_SECRET_KEY && picked.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: picked.STRIPE_SECRET_KEY,
            webhookSecret: picked.STRIPE_WEBHOOK_SECRET,
            apiBase: picked.STRIPE_API_BASE,
          }
        : null,
    ticketHoldMinutes: Number(picked.TICKET_HOLD_MINUTES ?? 15),
    notifyTimeScale: Number(picked.NOTIFY_TIME_SCALE ?? 1),
    vapid:
      picked.VAPID_PUBLIC_KEY || picked.VAPID_SUBJECT
        ? {
            ...(picked.VAPID_PUBLIC_KEY ? { publicKey: picked.VAPID_PUBLIC_KEY } : {}),
            ...(picked.VAPID_PRIVATE_KEY ? { privateKey: picked.VAPID_PRIVATE_KEY } : {}),
            ...(picked.VAPID_SUBJECT ? { subject: picked.VAPID_SUBJECT } : {}),
          }
        : null,
  };
}

/**
 * `TRUST_PROXY`: a hop count (`1`: the peer that connects is the proxy, whoever it is) or a list
 * of addresses, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`. There is no "trust
 * everything": that is what let one forged header reset every per-address limit.
 */
function parseTrustProxy(value: string | undefined, problems: string[]): TrustProxy {
  if (value === undefined) return false;
  if (/^[0-9]{1,2}$/.test(value)) return Number(value) || false;
  const list = value.split(',').map((entry) => entry.trim());
  try {
    compileTrust(list);
  } catch (error) {
    problems.push(`TRUST_PROXY: ${(error as Error).message} (addresses, CIDRs or a hop count)`);
  }
  return list;
}
