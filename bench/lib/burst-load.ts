/**
 * Load process of the `burst` benchmark (forked by bench/burst.ts, driven over IPC with
 * lib/child.ts). It holds the N request bodies, opens C keep-alive connections to a system, then
 * fires: C senders start in the same tick and each sends the next unsent submission as soon as its
 * previous one is answered, so C requests are in flight until all N are answered. Each request's
 * latency runs from its write on its connection to the end of its answer.
 */
import http from 'node:http';
import { serveParent } from './child.ts';
import { nowMs } from './clock.ts';

export interface FireResult {
  /** `nowMs()` when the first request was written (the one clock every process of a bench reads). */
  t0: number;
  /** Per submission, in payload order: HTTP status, 0 when no answer came (connection error). */
  status: number[];
  latencyMs: number[];
  /** Milliseconds after t0 at which the answer was complete. */
  doneAtMs: number[];
  /** First few non-2xx answers or errors, for the report. */
  errorSamples: string[];
  /** Event-loop utilisation of this process during the burst: near 1 means the load, not the server, set the pace. */
  elu: number;
}

let bodies: string[] = [];
let agent: http.Agent | undefined;
let base = '';

function send(path: string, method: string, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const request = http.request(`${base}${path}`, { method, agent, headers }, (response) => {
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

/** Opens `connections` sockets at once (one `/healthz` each) and keeps them idle in the pool. */
async function connect(url: string, connections: number) {
  agent?.destroy();
  base = url;
  agent = new http.Agent({
    keepAlive: true,
    maxSockets: connections,
    // The default (256) would close the rest of the pre-opened connections before the burst.
    maxFreeSockets: connections,
    keepAliveMsecs: 60_000,
  });
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: connections }, () => send('/healthz', 'GET')));
  const failed = answers.filter((a) => a.status !== 200).length;
  if (failed) throw new Error(`${failed} of ${connections} connections did not answer /healthz with 200`);
  const open = Object.values(agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  return { open, connectMs: performance.now() - started };
}

async function fire(path: string): Promise<FireResult> {
  const n = bodies.length;
  const connections = agent?.maxSockets ?? 1;
  const result: FireResult = {
    t0: 0,
    status: new Array(n).fill(0),
    latencyMs: new Array(n).fill(0),
    doneAtMs: new Array(n).fill(0),
    errorSamples: [],
    elu: 0,
  };
  let next = 0;
  const sender = async () => {
    while (next < n) {
      const i = next++;
      const start = nowMs();
      try {
        const { status, text } = await send(path, 'POST', bodies[i]);
        result.status[i] = status;
        if ((status < 200 || status > 299) && result.errorSamples.length < 10)
          result.errorSamples.push(`HTTP ${status} ${text.slice(0, 300)}`);
      } catch (error) {
        if (result.errorSamples.length < 10) result.errorSamples.push(String(error));
      }
      const end = nowMs();
      result.latencyMs[i] = end - start;
      result.doneAtMs[i] = end - result.t0;
    }
  };
  const elu = performance.eventLoopUtilization();
  result.t0 = nowMs();
  await Promise.all(Array.from({ length: Math.min(connections, n) }, sender));
  result.elu = performance.eventLoopUtilization(elu).utilization;
  return result;
}

serveParent({
  payloads: (message) => {
    bodies = message.bodies as string[];
    return { count: bodies.length };
  },
  connect: (message) => connect(message.url as string, message.connections as number),
  fire: (message) => fire(message.path as string),
  close: () => {
    agent?.destroy();
    agent = undefined;
    return {};
  },
});
