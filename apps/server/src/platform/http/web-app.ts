import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors.ts';
import { sendProblem } from './problem.ts';
import type { App } from './server.ts';

/** Paths that belong to the server, never to the app: unknown ones stay 404 problems. */
const SERVER_PATHS = /^\/(api|socket\.io|healthz|readyz|metrics)(\/|$)/;

/**
 * A read of the web app's own files (the shell, its scripts, icons): no database work, cached by
 * the browser and the service worker. These are not counted against a client's request limit: a
 * venue's crowd opening the app behind one NAT address pulls a few dozen files each, and counting
 * them would answer 429 to the app shell itself (seen: a page stuck on "Loading…").
 */
export const isWebAppRead = (method: string, url: string): boolean =>
  (method === 'GET' || method === 'HEAD') && !SERVER_PATHS.test(url.split('?')[0] ?? '/');

/** Files whose name does not change when their content does: browsers must revalidate them. */
const REVALIDATE = new Set(['/index.html', '/sw.js', '/registerSW.js', '/manifest.webmanifest']);

/** Vite names built assets by content hash, so they can be cached for a year. */
const IMMUTABLE = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * The app's Content-Security-Policy: scripts, styles and connections only from this origin (the
 * socket is same-origin too), nothing may frame the app. User text is rendered by React as text,
 * and this is the second line of defence should that ever slip.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // blob: previews a picked image (cover, photo) from the device while it uploads.
  "img-src 'self' data: blob: https:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply) {
  reply.header('content-security-policy', WEB_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
}

function cacheControl(urlPath: string): string {
  if (REVALIDATE.has(urlPath)) return 'no-cache';
  if (IMMUTABLE.test(urlPath)) return 'public, max-age=31536000, immutable';
  return 'public, max-age=3600';
}

// `npm start` builds the web app in its own process while this one opens the database (scripts/
// start.ts): it leaves the build's promise here, and the files are listed once it has finished.
const WEB_BUILD = Symbol.for('muster.webBuild');

/** Waits for a web build `npm start` is still running, if any (its failure is start.ts's to report). */
async function webBuildInFlight(): Promise<void> {
  await (globalThis as { [WEB_BUILD]?: Promise<unknown> })[WEB_BUILD]?.catch(() => {});
}

/**
 * Serves the built web app (`config.webDir`) at `/`: each built file at its path, and any other GET
 * outside the server's own paths answers `index.html`, so a deep link or a reload of a client-side
 * route works (the app's router takes it from there). Without a build, those paths answer a 503
 * problem that says how to build it; the API is unaffected either way.
 */
export async function registerWebApp(app: App, webDir: string): Promise<void> {
  await webBuildInFlight();
  const built = fs.existsSync(path.join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDir,
      // One route per built file (found now), so unknown paths fall through to the fallback below.
      wildcard: false,
      index: false,
      cacheControl: false,
      etag: true,
      lastModified: true,
      // The build writes .br and .gz beside each text file (scripts/web-build.ts).
      preCompressed: true,
      setHeaders: (reply, filePath) => {
        // `filePath` is the file sent, which may be the precompressed twin (`.br`, `.gz`).
        const served = `/${path.relative(webDir, filePath).split(path.sep).join('/')}`;
        const urlPath = served.replace(/\.(br|gz)$/, '');
        reply.header('cache-control', cacheControl(urlPath));
        if (urlPath === '/sw.js') reply.header('service-worker-allowed', '/');
      },
    });
    app.addHook('onSend', async (request, reply) => {
      if (!SERVER_PATHS.test(request.url)) securityHeaders(reply);
    });
  }

  const fallback = async (request: FastifyRequest, reply: FastifyReply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(urlPath))
      return sendProblem(request, reply, new AppError(ErrorCode.not_found, `No route GET ${urlPath}`));
    if (!built)
      return sendProblem(
        request,
        reply,
        new AppError(
          ErrorCode.unavailable,
          `The web app is not built (no index.html in ${webDir}). Run \`npm run build:web\`, or start with \`npm start\`, which builds it.`,
        ),
      );
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, fallback);
  app.get('/*', { schema: { hide: true } }, fallback);
}
