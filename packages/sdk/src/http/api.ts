import type {
  AchievementList,
  AddMemberBody,
  Agenda,
  AgendaHistory,
  AgendaQuery,
  AskBody,
  AuditEntry,
  AuditPage,
  AuthResult,
  Ballot,
  BulkModerationBody,
  CalendarToken,
  Challenge,
  ChallengeList,
  ChannelListQuery,
  ChannelPage,
  ChannelView,
  CheckinBatchResult,
  CheckinBody,
  CheckinKeys,
  CheckinResult,
  CheckpointClaimed,
  Community,
  Connection,
  ConnectionList,
  ConnectionRequestBody,
  ContactCard,
  CreateChallengeBody,
  CreateChannelBody,
  CreateCommunityBody,
  CreateDmBody,
  CreateEventBody,
  CreateHuntBody,
  CreateOrderBody,
  CreatePollBody,
  CreateSessionBody,
  CreateTeamBody,
  CreateTicketQuotaBody,
  CreateTicketTypeBody,
  Device,
  DirectoryEntry,
  DirectoryQuery,
  DoorStats,
  EditMessageBody,
  EngagementSettings,
  EngagementSettingsBody,
  Event,
  EventListQuery,
  EventRole,
  EventTransition,
  Feedback,
  FeedbackBody,
  FeedbackSummary,
  Hunt,
  HuntCheckpoint,
  HuntList,
  Leaderboard,
  LeaderboardQuery,
  LoginBody,
  MarkNotificationsRead,
  Member,
  MemberListQuery,
  Message,
  MessageListQuery,
  MessagePage,
  ModerationActionBody,
  ModerationQueue,
  ModerationSettings,
  MyPoints,
  Note,
  NotificationListQuery,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesBody,
  Order,
  PageQuery,
  PasswordResetBody,
  PasswordResetRequestBody,
  Poll,
  PollList,
  PollView,
  PushSubscriptionBody,
  PushSubscriptionView,
  Question,
  QuestionList,
  QuestionListQuery,
  ReadState,
  RecommendationList,
  RegisterBody,
  ReissueTicketBody,
  ReportBody,
  RoleAssignment,
  RoleListQuery,
  Rsvp,
  RsvpChoice,
  RsvpEntry,
  RsvpListQuery,
  Schedule,
  ScheduleItem,
  SendMessageBody,
  Session,
  SessionAttendance,
  SessionCheckinBody,
  SessionCheckinResult,
  SessionQnaSettings,
  SpeakerDetail,
  SpeakerList,
  SyncResult,
  Team,
  TeamList,
  Ticket,
  TicketList,
  TicketQuota,
  TicketSearchResult,
  TicketType,
  TokenPair,
  UpdateEventBody,
  UpdateMeBody,
  UpdateQuestionBody,
  UpdateSessionBody,
  UpdateTicketTypeBody,
  User,
  VapidKey,
  VerifyEmailBody,
  VoteBody,
} from '@muster/protocol';
import { path, type Query, type Transport } from './transport.ts';

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** Options of a write: the idempotency key makes a retry return the first answer. */
export interface WriteOptions {
  idempotencyKey?: string;
}

type Ok = { ok: true };

/**
 * The REST API, typed by `@muster/protocol`: every call answers the protocol's types and throws
 * `MusterApiError` (problem+json) or `MusterNetworkError`. Writes that the offline outbox replays
 * take an idempotency key.
 */
export function createApi(http: Transport) {
  const get = <T>(p: string, query?: object) => http.request<T>('GET', p, { query: query as Query });
  const write = <T>(method: string, p: string, body?: unknown, options: WriteOptions = {}) =>
    http.request<T>(method, p, {
      ...(body !== undefined ? { body } : {}),
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });

  return {
    auth: {
      register: (body: RegisterBody) =>
        http.request<AuthResult>('POST', '/api/v1/auth/register', { body, auth: false }),
      login: (body: LoginBody) =>
        http.request<AuthResult>('POST', '/api/v1/auth/login', { body, auth: false }),
      refresh: (body: { refreshToken: string }) =>
        http.request<TokenPair>('POST', '/api/v1/auth/refresh', { body, auth: false }),
      logout: (body: { refreshToken: string }) =>
        http.request<Ok>('POST', '/api/v1/auth/logout', { body, auth: false }),
      logoutEverywhere: () => write<Ok>('POST', '/api/v1/auth/logout-all'),
      /** Redeems the token of a verification mail; needs no session (the link may open anywhere). */
      verifyEmail: (body: VerifyEmailBody) =>
        http.request<User>('POST', '/api/v1/auth/verify-email', { body, auth: false }),
      /** Mails the signed-in user a fresh verification link. */
      requestVerification: () => write<Ok>('POST', '/api/v1/auth/verify-email/request'),
      /** Answered alike whether or not an account has the address. */
      requestPasswordReset: (body: PasswordResetRequestBody) =>
        http.request<Ok>('POST', '/api/v1/auth/password-reset/request', { body, auth: false }),
      resetPassword: (body: PasswordResetBody) =>
        http.request<Ok>('POST', '/api/v1/auth/password-reset', { body, auth: false }),
    },
    me: {
      get: () => get<User>('/api/v1/me'),
      update: (body: UpdateMeBody) => write<User>('PATCH', '/api/v1/me', body),
      devices: () => get<{ items: (Device & { current: boolean })[] }>('/api/v1/me/devices'),
      schedule: () => get<Schedule>('/api/v1/me/schedule'),
      channels: (query: ChannelListQuery = {}) => get<ChannelPage>('/api/v1/me/channels', query),
      communities: (query: PageQuery = {}) => get<PageOf<Community>>('/api/v1/me/communities', query),
      calendarToken: () => write<CalendarToken>('POST', '/api/v1/me/calendar-token'),
      /** A JPEG, PNG, WebP or GIF up to 8 MB; the server sniffs the type from the bytes. */
      setAvatar: (image: Blob) => http.request<User>('PUT', '/api/v1/me/avatar', { upload: image }),
      clearAvatar: () => write<User>('DELETE', '/api/v1/me/avatar'),
    },
    communities: {
      create: (body: CreateCommunityBody) => write<Community>('POST', '/api/v1/communities', body),
      get: (id: string) => get<Community>(path`/api/v1/communities/${id}`),
      members: (id: string, query: MemberListQuery = {}) =>
        get<PageOf<Member>>(path`/api/v1/communities/${id}/members`, query),
      addMember: (id: string, body: AddMemberBody) =>
        write<Member>('POST', path`/api/v1/communities/${id}/members`, body),
    },
    events: {
      list: (query: EventListQuery = {}) => get<PageOf<Event>>('/api/v1/events', query),
      get: (id: string) => get<Event>(path`/api/v1/events/${id}`),
      create: (body: CreateEventBody) => write<Event>('POST', '/api/v1/events', body),
      update: (id: string, body: UpdateEventBody, o?: WriteOptions) =>
        write<Event>('PATCH', path`/api/v1/events/${id}`, body, o),
      transition: (id: string, to: EventTransition) =>
        write<Event>('POST', `${path`/api/v1/events/${id}`}/${to}`),
      roles: (id: string, query: RoleListQuery = {}) =>
        get<PageOf<RoleAssignment>>(path`/api/v1/events/${id}/roles`, query),
      setRole: (id: string, userId: string, role: EventRole) =>
        write<RoleAssignment>('PUT', path`/api/v1/events/${id}/roles/${userId}`, { role }),
      removeRole: (id: string, userId: string) =>
        write<null>('DELETE', path`/api/v1/events/${id}/roles/${userId}`),
      /** A JPEG, PNG, WebP or GIF up to 8 MB; the server sniffs the type from the bytes. */
      setCover: (id: string, image: Blob) =>
        http.request<Event>('PUT', path`/api/v1/events/${id}/cover`, { upload: image }),
      clearCover: (id: string) => write<Event>('DELETE', path`/api/v1/events/${id}/cover`),
      speakers: (id: string) => get<SpeakerList>(path`/api/v1/events/${id}/speakers`),
      speaker: (id: string, userId: string) =>
        get<SpeakerDetail>(path`/api/v1/events/${id}/speakers/${userId}`),
      rsvp: (id: string) => get<Rsvp>(path`/api/v1/events/${id}/rsvp`),
      putRsvp: (id: string, status: RsvpChoice, o?: WriteOptions) =>
        write<Rsvp>('PUT', path`/api/v1/events/${id}/rsvp`, { status }, o),
      deleteRsvp: (id: string, o?: WriteOptions) =>
        write<null>('DELETE', path`/api/v1/events/${id}/rsvp`, undefined, o),
      /** People taking part who opted in to the directory (for others taking part). */
      directory: (id: string, query: DirectoryQuery = {}) =>
        get<PageOf<DirectoryEntry>>(path`/api/v1/events/${id}/directory`, query),
      rsvps: (id: string, query: RsvpListQuery = {}) =>
        get<PageOf<RsvpEntry>>(path`/api/v1/events/${id}/rsvps`, query),
      channels: (id: string, query: ChannelListQuery = {}) =>
        get<ChannelPage>(path`/api/v1/events/${id}/channels`, query),
      createChannel: (id: string, body: CreateChannelBody) =>
        write<ChannelView>('POST', path`/api/v1/events/${id}/channels`, body),
    },
    sessions: {
      /** One page of the agenda; `agendaAll` follows `nextCursor`. */
      agenda: (eventId: string, query: AgendaQuery = {}) =>
        get<Agenda>(path`/api/v1/events/${eventId}/sessions`, query),
      async agendaAll(eventId: string): Promise<Agenda> {
        const first = await get<Agenda>(path`/api/v1/events/${eventId}/sessions`, { limit: 200 });
        const items = [...first.items];
        for (let cursor = first.nextCursor; cursor; ) {
          const page = await get<Agenda>(path`/api/v1/events/${eventId}/sessions`, { limit: 200, cursor });
          items.push(...page.items);
          cursor = page.nextCursor;
        }
        return { items, nextCursor: null, head: first.head };
      },
      get: (id: string) => get<Session>(path`/api/v1/sessions/${id}`),
      create: (eventId: string, body: CreateSessionBody, o?: WriteOptions) =>
        write<Session>('POST', path`/api/v1/events/${eventId}/sessions`, body, o),
      update: (id: string, body: UpdateSessionBody, o?: WriteOptions) =>
        write<Session>('PATCH', path`/api/v1/sessions/${id}`, body, o),
      cancel: (id: string, o?: WriteOptions) =>
        write<Session>('DELETE', path`/api/v1/sessions/${id}`, undefined, o),
      history: (id: string, query: PageQuery = {}) =>
        get<AgendaHistory>(path`/api/v1/sessions/${id}/history`, query),
      bookmark: (id: string, o?: WriteOptions) =>
        write<ScheduleItem>('PUT', path`/api/v1/sessions/${id}/bookmark`, undefined, o),
      unbookmark: (id: string, o?: WriteOptions) =>
        write<Ok>('DELETE', path`/api/v1/sessions/${id}/bookmark`, undefined, o),
      note: (id: string) => get<Note>(path`/api/v1/sessions/${id}/note`),
      putNote: (id: string, body: string, o?: WriteOptions) =>
        write<Note>('PUT', path`/api/v1/sessions/${id}/note`, { body }, o),
    },
    channels: {
      get: (id: string) => get<ChannelView>(path`/api/v1/channels/${id}`),
      openDm: (body: CreateDmBody) => write<ChannelView>('POST', '/api/v1/dms', body),
      messages: (id: string, query: MessageListQuery = {}) =>
        get<MessagePage>(path`/api/v1/channels/${id}/messages`, query),
      send: (id: string, body: SendMessageBody, o?: WriteOptions) =>
        write<Message>('POST', path`/api/v1/channels/${id}/messages`, body, o),
      mark: (id: string, kind: 'read' | 'delivered', seq: number, o?: WriteOptions) =>
        write<ReadState>('POST', `${path`/api/v1/channels/${id}`}/${kind}`, { seq }, o),
    },
    messages: {
      edit: (id: string, body: EditMessageBody, o?: WriteOptions) =>
        write<Message>('PATCH', path`/api/v1/messages/${id}`, body, o),
      delete: (id: string, o?: WriteOptions) =>
        write<Message>('DELETE', path`/api/v1/messages/${id}`, undefined, o),
      react: (id: string, emoji: string, o?: WriteOptions) =>
        write<Message>('PUT', path`/api/v1/messages/${id}/reactions/${emoji}`, undefined, o),
      unreact: (id: string, emoji: string, o?: WriteOptions) =>
        write<Message>('DELETE', path`/api/v1/messages/${id}/reactions/${emoji}`, undefined, o),
    },
    polls: {
      create: (sessionId: string, body: CreatePollBody, o?: WriteOptions) =>
        write<Poll>('POST', path`/api/v1/sessions/${sessionId}/polls`, body, o),
      /** Presenters see drafts too; the audience sees opened and closed polls. */
      list: (sessionId: string) => get<PollList>(path`/api/v1/sessions/${sessionId}/polls`),
      get: (id: string) => get<PollView>(path`/api/v1/polls/${id}`),
      open: (id: string) => write<Poll>('POST', path`/api/v1/polls/${id}/open`),
      close: (id: string) => write<Poll>('POST', path`/api/v1/polls/${id}/close`),
      /** One ballot per person; a second vote replaces the first while the poll is open. */
      vote: (id: string, body: VoteBody, o?: WriteOptions) =>
        write<Ballot>('PUT', path`/api/v1/polls/${id}/vote`, body, o),
      /** Moderators hide (or show again) a word of a word cloud. */
      hideWord: (id: string, word: string, hidden = true) =>
        write<null>('PUT', path`/api/v1/polls/${id}/words`, { word, hidden }),
      /** Drafts only: an opened poll stays, with its ballots. */
      deleteDraft: (id: string) => write<null>('DELETE', path`/api/v1/polls/${id}`),
    },
    questions: {
      ask: (sessionId: string, body: AskBody, o?: WriteOptions) =>
        write<Question>('POST', path`/api/v1/sessions/${sessionId}/questions`, body, o),
      list: (sessionId: string, query: QuestionListQuery = {}) =>
        get<QuestionList>(path`/api/v1/sessions/${sessionId}/questions`, query),
      upvote: (id: string, o?: WriteOptions) =>
        write<Question>('PUT', path`/api/v1/questions/${id}/upvote`, undefined, o),
      removeUpvote: (id: string, o?: WriteOptions) =>
        write<Question>('DELETE', path`/api/v1/questions/${id}/upvote`, undefined, o),
      /** Presenters and moderators: show, hide, mark answered, pin or unpin. */
      setState: (id: string, body: UpdateQuestionBody) =>
        write<Question>('PATCH', path`/api/v1/questions/${id}`, body),
      settings: (sessionId: string) =>
        get<SessionQnaSettings>(path`/api/v1/sessions/${sessionId}/qna-settings`),
      putSettings: (sessionId: string, body: SessionQnaSettings) =>
        write<SessionQnaSettings>('PUT', path`/api/v1/sessions/${sessionId}/qna-settings`, body),
    },
    feedback: {
      save: (sessionId: string, body: FeedbackBody, o?: WriteOptions) =>
        write<Feedback>('PUT', path`/api/v1/sessions/${sessionId}/feedback`, body, o),
      mine: (sessionId: string) => get<Feedback | null>(path`/api/v1/sessions/${sessionId}/feedback/mine`),
      /** Speakers of the session and organisers: never who gave which rating. */
      summary: (sessionId: string) => get<FeedbackSummary>(path`/api/v1/sessions/${sessionId}/feedback`),
      /** Bookmarked sessions of the event that ended lately and that I have not rated. */
      due: (eventId: string) =>
        get<{ items: { sessionId: string; title: string; endsAt: string }[] }>('/api/v1/me/feedback-due', {
          eventId,
        }),
    },
    moderation: {
      /** Answered alike whether the report is new or repeated. */
      report: (body: ReportBody) => write<null>('POST', '/api/v1/reports', body),
      /** Open items first, then resolved ones, newest first. */
      queue: (
        eventId: string,
        query: { status?: 'open' | 'resolved'; limit?: number; offset?: number } = {},
      ) => get<ModerationQueue>(path`/api/v1/events/${eventId}/moderation/queue`, query),
      act: (body: ModerationActionBody) => write<AuditEntry>('POST', '/api/v1/moderation/actions', body),
      /** Each action is applied or refused on its own; the answers come in the order given. */
      bulk: (body: BulkModerationBody) =>
        write<{
          results: (
            | { ok: true; entry: AuditEntry }
            | { ok: false; status: number; code: string; message: string }
          )[];
        }>('POST', '/api/v1/moderation/actions/bulk', body),
      audit: (eventId: string, query: { cursor?: string } = {}) =>
        get<AuditPage>(path`/api/v1/events/${eventId}/moderation/audit`, query),
      settings: (eventId: string) =>
        get<ModerationSettings>(path`/api/v1/events/${eventId}/moderation/settings`),
      putSettings: (eventId: string, body: ModerationSettings) =>
        write<ModerationSettings>('PUT', path`/api/v1/events/${eventId}/moderation/settings`, body),
    },
    tickets: {
      /** Public: whoever may see the event. */
      types: (eventId: string) => get<{ items: TicketType[] }>(path`/api/v1/events/${eventId}/ticket-types`),
      createType: (eventId: string, body: CreateTicketTypeBody) =>
        write<TicketType>('POST', path`/api/v1/events/${eventId}/ticket-types`, body),
      updateType: (id: string, body: UpdateTicketTypeBody) =>
        write<TicketType>('PATCH', path`/api/v1/ticket-types/${id}`, body),
      quotas: (eventId: string) =>
        get<{ items: TicketQuota[] }>(path`/api/v1/events/${eventId}/ticket-quotas`),
      createQuota: (eventId: string, body: CreateTicketQuotaBody) =>
        write<TicketQuota>('POST', path`/api/v1/events/${eventId}/ticket-quotas`, body),
      /** Free: paid with tickets at once. Paid: pending, pay at `checkoutUrl` before `holdExpiresAt`. */
      order: (eventId: string, body: CreateOrderBody, o?: WriteOptions) =>
        write<Order>('POST', path`/api/v1/events/${eventId}/orders`, body, o),
      getOrder: (id: string) => get<Order>(path`/api/v1/orders/${id}`),
      cancelOrder: (id: string) => write<Order>('POST', path`/api/v1/orders/${id}/cancel`),
      mine: (eventId?: string) => get<TicketList>('/api/v1/me/tickets', eventId ? { eventId } : {}),
      void: (id: string) => write<Ticket>('POST', path`/api/v1/tickets/${id}/void`),
      reissue: (id: string, body: ReissueTicketBody = {}) =>
        write<Ticket>('POST', path`/api/v1/tickets/${id}/reissue`, body),
    },
    door: {
      /** Scanners: public keys and revoked tickets, to verify codes with no network. */
      keys: (eventId: string) => get<CheckinKeys>(path`/api/v1/events/${eventId}/checkin/keys`),
      scan: (eventId: string, body: CheckinBody) =>
        write<CheckinResult>('POST', path`/api/v1/events/${eventId}/checkins`, body),
      /** An offline queue; each `scanId` is applied once however often it is sent. */
      upload: (eventId: string, scans: CheckinBody[]) =>
        write<CheckinBatchResult>('POST', path`/api/v1/events/${eventId}/checkins/batch`, { scans }),
      undo: (checkinId: string) => write<null>('DELETE', path`/api/v1/checkins/${checkinId}`),
      search: (eventId: string, q: string) =>
        get<TicketSearchResult>(path`/api/v1/events/${eventId}/tickets`, { q }),
      stats: (eventId: string) => get<DoorStats>(path`/api/v1/events/${eventId}/door`),
      roomScan: (sessionId: string, body: SessionCheckinBody) =>
        write<SessionCheckinResult>('POST', path`/api/v1/sessions/${sessionId}/checkins`, body),
      attendance: (sessionId: string) =>
        get<SessionAttendance>(path`/api/v1/sessions/${sessionId}/attendance`),
    },
    notifications: {
      list: (query: NotificationListQuery = {}) => get<NotificationPage>('/api/v1/me/notifications', query),
      /** Some items (`ids`) or every item (`all: true`). */
      markRead: (body: MarkNotificationsRead) =>
        write<{ unread: number }>('POST', '/api/v1/me/notifications/read', body),
      preferences: () => get<NotificationPreferences>('/api/v1/me/notification-preferences'),
      setPreferences: (body: NotificationPreferencesBody) =>
        write<NotificationPreferences>('PUT', '/api/v1/me/notification-preferences', body),
      vapidKey: () => get<VapidKey>('/api/v1/push/vapid-key'),
      subscribe: (body: PushSubscriptionBody) =>
        write<PushSubscriptionView>('POST', '/api/v1/me/push-subscriptions', body),
      unsubscribe: (id: string) => write<null>('DELETE', path`/api/v1/me/push-subscriptions/${id}`),
    },
    engagement: {
      /** The team board unless `kind: 'individual'`, with the caller's own place. */
      leaderboard: (eventId: string, query: LeaderboardQuery = {}) =>
        get<Leaderboard>(path`/api/v1/events/${eventId}/leaderboard`, query),
      setOnBoard: (eventId: string, visible: boolean) =>
        write<null>('PUT', path`/api/v1/events/${eventId}/leaderboard/me`, { visible }),
      myPoints: (eventId: string, cursor?: string) =>
        get<MyPoints>('/api/v1/me/points', { eventId, ...(cursor ? { cursor } : {}) }),
      settings: (eventId: string) => get<EngagementSettings>(path`/api/v1/events/${eventId}/engagement`),
      updateSettings: (eventId: string, body: EngagementSettingsBody) =>
        write<EngagementSettings>('PATCH', path`/api/v1/events/${eventId}/engagement`, body),
      teams: (eventId: string) => get<TeamList>(path`/api/v1/events/${eventId}/teams`),
      createTeam: (eventId: string, body: CreateTeamBody) =>
        write<Team>('POST', path`/api/v1/events/${eventId}/teams`, body),
      joinTeam: (teamId: string) => write<Team>('POST', path`/api/v1/teams/${teamId}/join`),
      leaveTeam: (teamId: string) => write<null>('POST', path`/api/v1/teams/${teamId}/leave`),
      hunts: (eventId: string) => get<HuntList>(path`/api/v1/events/${eventId}/hunts`),
      createHunt: (eventId: string, body: CreateHuntBody) =>
        write<Hunt>('POST', path`/api/v1/events/${eventId}/hunts`, body),
      /** A code typed or scanned (the app takes it out of a `/h/<code>` link first). */
      claim: (code: string) => write<CheckpointClaimed>('POST', '/api/v1/hunts/checkpoints/claim', { code }),
      challenges: (eventId: string) => get<ChallengeList>(path`/api/v1/events/${eventId}/challenges`),
      createChallenge: (eventId: string, body: CreateChallengeBody) =>
        write<Challenge>('POST', path`/api/v1/events/${eventId}/challenges`, body),
      achievements: (eventId: string) => get<AchievementList>(path`/api/v1/events/${eventId}/achievements`),
      myAchievements: () => get<AchievementList>('/api/v1/me/achievements'),
      hint: (checkpointId: string) =>
        write<HuntCheckpoint>('POST', path`/api/v1/hunts/checkpoints/${checkpointId}/hint`),
    },
    networking: {
      /** Someone met at an event (`userId` + `eventId`) or whose card was scanned (`cardCode`). */
      connect: (body: ConnectionRequestBody) => write<Connection>('POST', '/api/v1/connections', body),
      accept: (id: string) => write<Connection>('POST', path`/api/v1/connections/${id}/accept`),
      decline: (id: string) => write<null>('POST', path`/api/v1/connections/${id}/decline`),
      remove: (id: string) => write<null>('DELETE', path`/api/v1/connections/${id}`),
      mine: () => get<ConnectionList>('/api/v1/me/connections'),
      card: () => get<ContactCard>('/api/v1/me/card'),
      /** The other person's vCard 4.0, as text (the app offers it as a `.vcf` download). */
      vcard: (id: string) =>
        http.request<string>('GET', path`/api/v1/connections/${id}/vcard`, {
          text: true,
          headers: { accept: 'text/vcard' },
        }),
      recommendations: (eventId: string) =>
        get<RecommendationList>(path`/api/v1/events/${eventId}/recommendations`),
    },
    /** `scopes` maps each scope to the last seq the caller has (0 for none). */
    sync: (scopes: Record<string, number>, limit?: number) =>
      get<SyncResult>('/api/v1/sync', {
        scopes: Object.entries(scopes)
          .map(([scope, seq]) => `${scope}@${seq}`)
          .join(','),
        limit,
      }),
  };
}

export type Api = ReturnType<typeof createApi>;
