import { execFile } from 'node:child_process';
import { createServer } from 'node:net';

/** The port cannot be listened on; the message says what to stop or which PORT to set. */
export class PortInUseError extends Error {}

/** Tries to listen on host:port and lets go at once: answers whether `serve` could listen there. */
export function probePort(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** The process listening on a TCP port, as `lsof` names it (best effort: null when unknown). */
function whoListens(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { timeout: 2000 }, (error, stdout) => {
      if (error) return resolve(null);
      const pid = /^p(\d+)$/m.exec(stdout)?.[1];
      const command = /^c(.+)$/m.exec(stdout)?.[1];
      resolve(pid ? `${command ?? 'a process'} (pid ${pid})` : null);
    });
  });
}

/**
 * Checked before anything else happens (migrations, the demo seed, printing logins), so a busy
 * port is reported at once instead of crashing after the logins scrolled by.
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const error = await probePort(port, host);
  if (!error) return;
  if (error.code === 'EADDRINUSE') {
    const who = await whoListens(port);
    throw new PortInUseError(
      `Port ${port} is already in use${who ? ` by ${who}` : ''}.\n` +
        `Stop ${who ? 'that process' : `whatever listens there (see: lsof -i :${port})`} — perhaps another Muster — ` +
        `or start on another port, e.g. PORT=${port + 1} npm start`,
    );
  }
  if (error.code === 'EACCES')
    throw new PortInUseError(
      `Port ${port} needs privileges this user lacks; set PORT to a port above 1024, e.g. PORT=3000`,
    );
  throw error;
}
