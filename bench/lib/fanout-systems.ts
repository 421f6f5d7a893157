/**
 * The systems the `fanout` benchmark compares, each as what its load processes connect to and the
 * trigger that starts one broadcast: Muster (a session PATCH), the bare Socket.IO and `ws` floors
 * (a POST to the floor process) and Mosquitto (one QoS 0 publish). The peers send the very change
 * record Muster pushed in this run, with the marker swapped, so every system carries the same bytes.
 */
import path from 'node:path';
import { connect as mqttConnect } from 'mqtt';
import { forkChild } from './child.ts';
import type { Cleanup } from './cleanup.ts';
import { nowMs } from './clock.ts';
import type { ConnectJob, FanoutMode } from './fanout-load.ts';
import { startMosquitto } from './mosquitto.ts';
import { type Sent, Trigger } from './trigger.ts';

export interface System {
  mode: FanoutMode;
  job: Omit<ConnectJob, 'first' | 'count' | 'concurrency'>;
  /** Sends the trigger carrying `marker`; resolves once it is answered. */
  trigger(marker: string): Promise<Sent>;
}

/** What Muster's system needs: the server, the attendees' tokens, the organiser and the session to edit. */
export interface MusterTarget {
  url: string;
  tokens: string[];
  eventId: string;
  organiserToken: string;
  sessionId: string;
}

/** The change record Muster pushed in this run, marker swapped (synthetic if Muster did not run). */
export function payloadFor(sample: string | undefined, marker: string): string {
  const change = sample
    ? (JSON.parse(sample) as { data: Record<string, unknown> })
    : { data: { title: '' }, note: 'synthetic: no Muster sample in this run' };
  change.data.title = marker;
  return JSON.stringify(change);
}

/** Muster: clients follow the event; the trigger renames a session (`trigger` is already warm). */
export function musterSystem(target: MusterTarget, trigger: Trigger, runId: string): System {
  return {
    mode: 'muster',
    job: {
      mode: 'muster',
      url: target.url,
      tokens: target.tokens,
      scope: `event:${target.eventId}`,
      label: runId,
    },
    trigger: (marker) =>
      trigger.send('PATCH', `${target.url}/api/v1/sessions/${target.sessionId}`, {
        token: target.organiserToken,
        body: JSON.stringify({ title: marker }),
      }),
  };
}

/** A floor process (bench/lib/floor-server.ts); the trigger posts Muster's sample to its `/broadcast`. */
export async function floorSystem(
  mode: 'socketio' | 'ws',
  runId: string,
  sample: () => string | undefined,
  cleanup: Cleanup,
): Promise<System> {
  const floor = forkChild(path.join(import.meta.dirname, 'floor-server.ts'), [mode]);
  cleanup.add(`stop the ${mode} floor`, () => floor.kill());
  const { port } = await floor.request<{ port: number }>('start');
  const url = `http://127.0.0.1:${port}`;
  const trigger = new Trigger();
  cleanup.add(`close the ${mode} trigger`, () => trigger.close());
  await trigger.warm(`${url}/healthz`);
  return {
    mode,
    job: { mode, url: mode === 'ws' ? `ws://127.0.0.1:${port}` : url, label: runId },
    trigger: (marker) => trigger.send('POST', `${url}/broadcast`, { body: payloadFor(sample(), marker) }),
  };
}

/** Mosquitto with the clients on one topic; the trigger is one publish (answered as soon as it is written). */
export async function mqttSystem(
  runId: string,
  sample: () => string | undefined,
  cleanup: Cleanup,
): Promise<System> {
  const broker = await startMosquitto();
  cleanup.add('stop mosquitto', () => broker.stop());
  console.log(`mqtt: ${broker.version} on ${broker.url}`);
  const topic = `muster/bench/fanout/${runId}`;
  const publisher = mqttConnect(broker.url, { clientId: `publisher-${runId}`, reconnectPeriod: 0 });
  cleanup.add('disconnect the publisher', () => publisher.end(true));
  await new Promise((resolve, reject) => {
    publisher.once('connect', resolve);
    publisher.once('error', reject);
  });
  return {
    mode: 'mqtt',
    job: { mode: 'mqtt', url: broker.url, topic, label: `sub-${runId}` },
    trigger: async (marker) => {
      const payload = payloadFor(sample(), marker);
      const sentAt = nowMs();
      publisher.publish(topic, payload, { qos: 0 });
      return { status: 200, text: '', sentAt, answeredAt: sentAt };
    },
  };
}
