import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';

/**
 * Whether a browser from `origin` may open a socket: no Origin (native apps, scripts), an origin
 * in `allowed` (PUBLIC_URL's and ALLOWED_ORIGINS), or the page's own origin — its host:port
 * equals the request's Host header, so the page was served from the address it now connects to.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: ReadonlySet<string>,
): boolean {
  if (!origin) return true;
  if (allowed.has(origin)) return true;
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.host.toLowerCase() === host.toLowerCase();
}

/** Logs a refused origin once (bounded), with the setting that would let it in. */
export function createRefusedOriginLog(limit = 100) {
  const seen = new Set<string>();
  return {
    note(origin: string, log: { warn: (obj: object, msg: string) => void }) {
      if (seen.has(origin) || seen.size >= limit) return;
      seen.add(origin);
      log.warn(
        { origin: origin.slice(0, 200) },
        'socket handshake refused: browser origin not allowed; to allow it set ALLOWED_ORIGINS (comma-separated) or PUBLIC_URL to that origin',
      );
    },
  };
}

/**
 * Socket.IO's `allowRequest`: browsers must come from our own origins; native apps and scripts
 * send no Origin. A page served by this server is same-origin with the request's Host, whichever
 * address it used (127.0.0.1, a LAN address): that is allowed without configuration.
 */
export function originCheck(allowedOrigins: ReadonlySet<string>, log: Logger) {
  const refusedOrigins = createRefusedOriginLog();
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    const allowed = isAllowedOrigin(origin, req.headers.host, allowedOrigins);
    if (!allowed && origin) refusedOrigins.note(origin, log);
    callback(null, allowed);
  };
}
