/**
 * Load process of the `rsvp` benchmark, forked by bench/rsvp.ts so the requests are generated outside
 * the server's and the coordinator's event loops. It receives the tokens over IPC, opens one
 * connection per user (unless `cold`), fires every `PUT …/rsvp` in one synchronous loop, and sends back
 * each request's latency and answer.
 */
import http from 'node:http';

export interface LoadJob {
  url: string;
  eventId: string;
  tokens: string[];
  /** Skip opening the connections beforehand: each request then also pays its TCP handshake. */
  cold: boolean;
}

export interface LoadResult {
  /** Index of the user (into `tokens`). */
  user: number;
  httpStatus: number;
  latencyMs: number;
  /** Milliseconds after the first request was sent. */
  doneAtMs: number;
  status?: string;
  waitlistPosition?: number;
  error?: string;
}

function send(agent: http.Agent, url: string, method: string, token?: string, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const request = http.request(url, { method, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function run(job: LoadJob): Promise<LoadResult[]> {
  const n = job.tokens.length;
  // maxFreeSockets: the default (256) closes the other pre-opened connections before the burst.
  const agent = new http.Agent({ keepAlive: true, maxSockets: n, maxFreeSockets: n, keepAliveMsecs: 60_000 });
  // N idle sockets in the pool, so the burst measures the RSVP, not N simultaneous TCP handshakes
  // against the listen backlog.
  if (!job.cold) await Promise.all(job.tokens.map(() => send(agent, `${job.url}/healthz`, 'GET')));

  const target = `${job.url}/api/v1/events/${job.eventId}/rsvp`;
  const body = JSON.stringify({ status: 'going' });
  const t0 = performance.now();
  const pending = job.tokens.map(async (token, user): Promise<LoadResult> => {
    const start = performance.now();
    try {
      const { status, text } = await send(agent, target, 'PUT', token, body);
      const end = performance.now();
      const result: LoadResult = { user, httpStatus: status, latencyMs: end - start, doneAtMs: end - t0 };
      try {
        const answer = JSON.parse(text) as { status?: string; waitlistPosition?: number; code?: string };
        result.status = answer.status;
        if (answer.waitlistPosition !== undefined) result.waitlistPosition = answer.waitlistPosition;
        if (status !== 200) result.error = answer.code ?? text.slice(0, 200);
      } catch {
        result.error = `unparsable body: ${text.slice(0, 200)}`;
      }
      return result;
    } catch (error) {
      const end = performance.now();
      return { user, httpStatus: 0, latencyMs: end - start, doneAtMs: end - t0, error: String(error) };
    }
  });
  const results = await Promise.all(pending);
  agent.destroy();
  return results;
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (results) => process.send?.({ results }, () => process.exit(0)),
    (error: unknown) => process.send?.({ error: String(error) }, () => process.exit(1)),
  );
});
