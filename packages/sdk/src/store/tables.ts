import type {
  Achievement,
  Ballot,
  Bookmark,
  Channel,
  Checkin,
  Connection,
  DoorStats,
  Event,
  EventRoleGrant,
  Feedback,
  LeaderboardChanged,
  Mentioned,
  Message,
  ModerationItem,
  Note,
  Order,
  PointsChanged,
  Poll,
  PollResults,
  Question,
  ReadState,
  ReceiptUpdated,
  Restriction,
  Rsvp,
  Session,
  SessionAttendance,
  Team,
  Ticket,
  TicketRevocation,
  TicketType,
  Upvote,
} from '@muster/protocol';

/** A message as the store holds it; `local` marks one still in the outbox (optimistic). */
export type LocalMessage = Message & { local?: 'sending' };

/** What the last `agenda.sessionUpdated` changed, for a "changed" marker in an agenda. */
export interface SessionMark {
  changed: string[];
  at: string;
}

/** `notifications.created` data, as the server presents it (checked on arrival: `shapes.ts`). */
export interface NotificationRecord {
  id: string;
  category: string;
  kind: string;
  title: string;
  body: string | null;
  data: unknown;
  createdAt: string;
  readAt: string | null;
  /** App path it opens. */
  url?: string | null;
  /** The thing it is about (a scope); a grouped item's `count` and `title` change in place. */
  groupKey?: string | null;
  count?: number;
  updatedAt?: string;
}

/**
 * The local store's tables, each keyed by id. Rows are the protocol's own types, updated from
 * change records (`entity`, `op`, `id`, `data`) and from REST loads.
 */
export interface Tables {
  events: Record<string, Event>;
  /** The agendas: sessions of every followed event, cancelled ones included (`cancelled: true`). */
  sessions: Record<string, Session>;
  sessionMarks: Record<string, SessionMark>;
  /** My RSVP per event id. */
  rsvps: Record<string, Rsvp>;
  /** My role per event id. */
  roles: Record<string, EventRoleGrant>;
  /** My schedule: bookmark per session id. */
  bookmarks: Record<string, Bookmark>;
  /** My private notes per session id. */
  notes: Record<string, Note>;
  channels: Record<string, Channel>;
  /** Recent messages of followed channels, by message id. */
  messages: Record<string, LocalMessage>;
  /** My read and delivered markers per channel id. */
  readStates: Record<string, ReadState>;
  /** Other members' markers in DMs and groups, by `<channelId>:<userId>`. */
  receipts: Record<string, ReceiptUpdated>;
  mentions: Record<string, Mentioned>;
  notifications: Record<string, NotificationRecord>;
  /** The inbox's unread count (the server's, live), under my user id. */
  notificationBadge: Record<string, { unread: number }>;
  /** Polls of followed sessions (opened and closed; drafts too for presenters who loaded them). */
  polls: Record<string, Poll>;
  /** Results per poll id, as far as the caller may see them; never older than what is held. */
  pollResults: Record<string, PollResults>;
  /** My ballot per poll id. */
  ballots: Record<string, LocalBallot>;
  /** Questions of followed sessions, by id; a hidden question is removed. */
  questions: Record<string, LocalQuestion>;
  /** My upvotes per question id. */
  upvotes: Record<string, Upvote>;
  /** My feedback per session id. */
  feedback: Record<string, Feedback>;
  /** Open items of followed moderator queues, by id (a resolved item is removed). */
  moderationItems: Record<string, ModerationItem>;
  /** My standing (mute, ban) per event id. */
  restrictions: Record<string, Restriction>;
  /** Ticket types of followed events, with their availability. */
  ticketTypes: Record<string, TicketType>;
  /** My orders, by id. */
  orders: Record<string, Order>;
  /** My tickets, by id, with their signed codes (shown offline). */
  tickets: Record<string, Ticket>;
  /** Scans of followed doors (scanners only), by checkin id; my own offline scans are in the door queue. */
  checkins: Record<string, Checkin>;
  /** Revoked tickets of followed doors, by ticket id. */
  revocations: Record<string, TicketRevocation>;
  /** The door dashboard per event id. */
  doorStats: Record<string, DoorStats>;
  /** Room occupancy per session id. */
  attendance: Record<string, SessionAttendance>;
  /** My points per event id (live; the ledger behind them is read over REST). */
  points: Record<string, PointsChanged>;
  /** Teams of followed events, by id. */
  teams: Record<string, Team>;
  /** The last board tick per event id: a board on screen reads itself again when it moves. */
  boardTicks: Record<string, LeaderboardChanged>;
  /** My connections and open requests both ways, by id. */
  connections: Record<string, Connection>;
  /** Achievements I unlocked since this device followed my scope, by `<key>:<scope id>`. */
  achievements: Record<string, Achievement>;
}

/** A ballot as the store holds it; `local` marks one still in the outbox (optimistic). */
export type LocalBallot = Ballot & { local?: 'sending' };

/** A question as the store holds it; `local` marks my question still in the outbox (optimistic). */
export type LocalQuestion = Question & { local?: 'sending' };

export type TableName = keyof Tables;

export const TABLE_NAMES: readonly TableName[] = [
  'events',
  'sessions',
  'sessionMarks',
  'rsvps',
  'roles',
  'bookmarks',
  'notes',
  'channels',
  'messages',
  'readStates',
  'receipts',
  'mentions',
  'notifications',
  'notificationBadge',
  'polls',
  'pollResults',
  'ballots',
  'questions',
  'upvotes',
  'feedback',
  'moderationItems',
  'restrictions',
  'ticketTypes',
  'orders',
  'tickets',
  'checkins',
  'revocations',
  'doorStats',
  'attendance',
  'points',
  'teams',
  'boardTicks',
  'connections',
  'achievements',
];

export function emptyTables(): Tables {
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, {}])) as unknown as Tables;
}

/**
 * Copy-on-write access to a set of tables: a table is copied the first time it is written, so the
 * tables it started from are never changed and untouched tables keep their identity (cheap
 * change detection for UI frameworks).
 */
export class Draft {
  private readonly source: Tables;
  private readonly copies: Partial<Tables> = {};

  constructor(source: Tables) {
    this.source = source;
  }

  read<K extends TableName>(name: K): Tables[K] {
    return this.copies[name] ?? this.source[name];
  }

  write<K extends TableName>(name: K): Tables[K] {
    let copy = this.copies[name] as Tables[K] | undefined;
    if (!copy) {
      copy = { ...this.source[name] };
      this.copies[name] = copy;
    }
    return copy;
  }

  /** The tables written so far. */
  written(): TableName[] {
    return Object.keys(this.copies) as TableName[];
  }

  result(): Tables {
    return { ...this.source, ...this.copies };
  }
}
