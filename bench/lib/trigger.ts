/**
 * The timed request that starts a broadcast: sent on a connection opened beforehand, with the send
 * time taken (clock.ts) immediately before the request is written.
 */
import http from 'node:http';
import { nowMs } from './clock.ts';

export interface Sent {
  status: number;
  text: string;
  /** clock.ts time just before the request was written. */
  sentAt: number;
  /** clock.ts time when the whole answer had arrived. */
  answeredAt: number;
}

export class Trigger {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1, keepAliveMsecs: 60_000 });

  /** Opens the connection (and lets the server warm its route) so the timed request pays neither. */
  async warm(url: string): Promise<void> {
    await this.send('GET', url);
  }

  send(method: string, url: string, options: { token?: string; body?: string } = {}): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(options.body);
      }
      let sentAt = 0;
      const request = http.request(url, { method, agent: this.agent, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text, sentAt, answeredAt: nowMs() }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      sentAt = nowMs();
      request.end(options.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
