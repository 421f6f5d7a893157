/**
 * The clients a `chat` load process holds for one system (Muster or the bare Socket.IO floor):
 * each follows its channel (`subscribe` on Muster, `join` on the floor) and hands every `change` to
 * the load process, which records when it reached the client's handler.
 */
import type { Socket } from 'socket.io-client';
import type { ChatConnectAnswer, ChatConnectJob } from './chat-protocol.ts';
import { benchSocket, connectMany, subscribeWithAck, whenConnected } from './connect.ts';

/** A Float64Array indexed by seq − base that grows as needed. */
export class SeqTimes {
  private data = new Float64Array(1024);
  readonly base: number;
  constructor(base: number) {
    this.base = base;
  }
  get(seq: number): number {
    return this.data[seq - this.base] ?? 0;
  }
  set(seq: number, value: number): void {
    const i = seq - this.base;
    if (i >= this.data.length) {
      const grown = new Float64Array(Math.max(i + 1, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = value;
  }
  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.data.length; i++)
      if (this.data[i]) yield [i + this.base, this.data[i] as number];
  }
}

export interface ClientState {
  socket: Socket;
  channelId: string;
  scope: string;
  /** When each seq of this run reached the handler (clock.ts). */
  recv: SeqTimes;
  lastSeq: number;
}

export interface ChannelState {
  members: number;
  /** Highest seq seen (from heads, pushes or acks): the next run starts after it. */
  head: number;
  /** seq → clientMsgId, from the first push (or ack) of each seq in this run. */
  idBySeq: Map<number, string>;
  acked: number;
}

export interface SystemState {
  clients: ClientState[];
  channels: Map<string, ChannelState>;
}

export interface Change {
  scope: string;
  seq: number;
  entity: string;
  data?: { clientMsgId?: string };
}

type Spec = ChatConnectJob['clients'][number];
type OnChange = (client: ClientState, change: Change) => void;

async function connectOne(job: ChatConnectJob, spec: Spec, onChange: OnChange): Promise<ClientState> {
  const scope = `channel:${spec.channelId}`;
  const socket = benchSocket(job.url, spec.token);
  const client: ClientState = { socket, channelId: spec.channelId, scope, recv: new SeqTimes(0), lastSeq: 0 };
  socket.on('change', (change: Change) => onChange(client, change));
  await whenConnected(socket);
  const ack = await subscribeWithAck<{ ok: boolean; heads?: Record<string, number> }>(
    socket,
    job.mode === 'muster' ? 'subscribe' : 'join',
    job.mode === 'muster' ? { scopes: [scope] } : { rooms: [scope] },
    (answer) => answer.ok && (job.mode !== 'muster' || (answer.heads !== undefined && scope in answer.heads)),
  );
  client.lastSeq = ack.heads?.[scope] ?? 0;
  return client;
}

/** Connects every client of the job; the channels start at the highest head their members were told. */
export async function connectSystem(
  job: ChatConnectJob,
  onChange: OnChange,
): Promise<{ system: SystemState; answer: ChatConnectAnswer }> {
  const { clients, ...answer } = await connectMany(job.clients.length, job.concurrency, (i) =>
    connectOne(job, job.clients[i]!, onChange),
  );
  const channels = new Map<string, ChannelState>();
  for (const c of clients) {
    const channel = channels.get(c.channelId) ?? { members: 0, head: 0, idBySeq: new Map(), acked: 0 };
    channel.members++;
    channel.head = Math.max(channel.head, c.lastSeq);
    channels.set(c.channelId, channel);
  }
  return { system: { clients, channels }, answer };
}
