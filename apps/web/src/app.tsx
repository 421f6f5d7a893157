import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { Layout } from './components/layout.tsx';
import { Notices } from './components/notices.tsx';
import { PushDevice } from './components/push-device.tsx';
import { Receipts } from './components/receipts.tsx';
import { useUser } from './hooks/session.ts';
import { AgendaScreen } from './screens/agenda.tsx';
import { ChannelScreen } from './screens/channel.tsx';
import { ChannelsScreen } from './screens/channels.tsx';
import { DiscoverScreen } from './screens/discover.tsx';
import { EventScreen } from './screens/event.tsx';
import { MessagesScreen } from './screens/messages.tsx';
import { NowNextScreen } from './screens/now-next.tsx';
import { PeopleScreen } from './screens/people.tsx';
import { ProfileScreen } from './screens/profile.tsx';
import { ScheduleScreen } from './screens/schedule.tsx';
import { SessionScreen } from './screens/session.tsx';
import { SignInScreen } from './screens/sign-in.tsx';
import { SpeakerScreen, SpeakersScreen } from './screens/speakers.tsx';

// Organiser screens are a separate chunk: most people never open them (precached all the same).
const EventForm = lazy(() =>
  import('./screens/organiser/event-form.tsx').then((m) => ({ default: m.EventForm })),
);
const SessionForm = lazy(() =>
  import('./screens/organiser/session-form.tsx').then((m) => ({ default: m.SessionForm })),
);
// Pages that mailed links open: rare, and the same signed in or out.
const VerifyEmailScreen = lazy(() =>
  import('./screens/account/verify-email.tsx').then((m) => ({ default: m.VerifyEmailScreen })),
);
const ForgotPasswordScreen = lazy(() =>
  import('./screens/account/forgot-password.tsx').then((m) => ({ default: m.ForgotPasswordScreen })),
);
const ResetPasswordScreen = lazy(() =>
  import('./screens/account/reset-password.tsx').then((m) => ({ default: m.ResetPasswordScreen })),
);
// Live audience screens for presenters and moderators: big, and opened by few.
const PresenterScreen = lazy(() =>
  import('./screens/live/presenter.tsx').then((m) => ({ default: m.PresenterScreen })),
);
const ModerationScreen = lazy(() =>
  import('./screens/moderation/moderation.tsx').then((m) => ({ default: m.ModerationScreen })),
);
// Tickets and the door: their own chunks (the door's camera decoder loads only when used).
const TicketShopScreen = lazy(() =>
  import('./screens/tickets/shop.tsx').then((m) => ({ default: m.TicketShopScreen })),
);
const MyTicketsScreen = lazy(() =>
  import('./screens/tickets/my-tickets.tsx').then((m) => ({ default: m.MyTicketsScreen })),
);
const InboxScreen = lazy(() =>
  import('./screens/notifications/inbox.tsx').then((m) => ({ default: m.InboxScreen })),
);
const NotificationSettingsScreen = lazy(() =>
  import('./screens/notifications/settings.tsx').then((m) => ({ default: m.NotificationSettingsScreen })),
);
const DoorScreen = lazy(() => import('./screens/door/scanner.tsx').then((m) => ({ default: m.DoorScreen })));
const DoorDashboardScreen = lazy(() =>
  import('./screens/door/dashboard.tsx').then((m) => ({ default: m.DoorDashboardScreen })),
);
// The game: boards, the hunt, my points; the organiser's hunt editor and printable codes.
const LeaderboardScreen = lazy(() =>
  import('./screens/engagement/leaderboard.tsx').then((m) => ({ default: m.LeaderboardScreen })),
);
const HuntScreen = lazy(() =>
  import('./screens/engagement/hunt.tsx').then((m) => ({ default: m.HuntScreen })),
);
const ClaimLinkScreen = lazy(() =>
  import('./screens/engagement/claim-link.tsx').then((m) => ({ default: m.ClaimLinkScreen })),
);
const MyPointsScreen = lazy(() =>
  import('./screens/engagement/my-points.tsx').then((m) => ({ default: m.MyPointsScreen })),
);
const HuntEditorScreen = lazy(() =>
  import('./screens/engagement/hunt-editor.tsx').then((m) => ({ default: m.HuntEditorScreen })),
);
const HuntCodesScreen = lazy(() =>
  import('./screens/engagement/hunt-editor.tsx').then((m) => ({ default: m.HuntCodesScreen })),
);
// Networking: my card (QR and scanner), where a scanned card link lands, my connections.
const CardScreen = lazy(() =>
  import('./screens/networking/card.tsx').then((m) => ({ default: m.CardScreen })),
);
const CardLinkScreen = lazy(() =>
  import('./screens/networking/card-link.tsx').then((m) => ({ default: m.CardLinkScreen })),
);
const ConnectionsScreen = lazy(() =>
  import('./screens/networking/connections.tsx').then((m) => ({ default: m.ConnectionsScreen })),
);
const Attendees = lazy(() =>
  import('./screens/organiser/attendees.tsx').then((m) => ({ default: m.Attendees })),
);

/**
 * The whole app: the signed-out or the signed-in routes (rendered once the saved session is
 * restored). The pages that mailed links open come first and serve both: a reset signs the device
 * out, and its page must stay in place to say so.
 */
export function App() {
  const user = useUser();
  return (
    <Layout signedIn={user !== null}>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Switch>
          <Route path="/verify-email" component={VerifyEmailScreen} />
          <Route path="/forgot-password" component={ForgotPasswordScreen} />
          <Route path="/reset-password" component={ResetPasswordScreen} />
          <Route>
            {user ? (
              // Keyed by user: another account on the device gets fresh state and subscriptions.
              <SignedIn key={user.id} />
            ) : (
              <Switch>
                <Route path="/sign-up">
                  <SignInScreen mode="sign-up" />
                </Route>
                <Route>
                  <SignInScreen mode="sign-in" />
                </Route>
              </Switch>
            )}
          </Route>
        </Switch>
      </Suspense>
    </Layout>
  );
}

function SignedIn() {
  return (
    <>
      <Receipts />
      <Notices />
      <PushDevice />
      <Suspense fallback={<p role="status">Loading…</p>}>
        <Switch>
          <Route path="/" component={DiscoverScreen} />
          <Route path="/sign-in">
            <Redirect to="/" />
          </Route>
          <Route path="/sign-up">
            <Redirect to="/" />
          </Route>
          <Route path="/events/new" component={EventForm} />
          <Route path="/events/:id" component={EventScreen} />
          <Route path="/events/:id/edit" component={EventForm} />
          <Route path="/events/:id/agenda/:sessionId?" component={AgendaScreen} />
          <Route path="/events/:id/now" component={NowNextScreen} />
          <Route path="/events/:id/channels" component={ChannelsScreen} />
          <Route path="/events/:id/attendees" component={Attendees} />
          <Route path="/events/:id/speakers" component={SpeakersScreen} />
          <Route path="/events/:id/speakers/:userId" component={SpeakerScreen} />
          <Route path="/events/:id/people" component={PeopleScreen} />
          <Route path="/events/:id/sessions/new" component={SessionForm} />
          <Route path="/sessions/:id" component={SessionScreen} />
          <Route path="/sessions/:id/edit" component={SessionForm} />
          <Route path="/sessions/:id/live" component={SessionScreen} />
          <Route path="/sessions/:id/present" component={PresenterScreen} />
          <Route path="/events/:id/moderation" component={ModerationScreen} />
          <Route path="/events/:id/tickets" component={TicketShopScreen} />
          <Route path="/events/:id/door" component={DoorScreen} />
          <Route path="/events/:id/door/dashboard" component={DoorDashboardScreen} />
          <Route path="/events/:id/leaderboard" component={LeaderboardScreen} />
          <Route path="/events/:id/hunt" component={HuntScreen} />
          <Route path="/events/:id/points" component={MyPointsScreen} />
          <Route path="/events/:id/hunts/new" component={HuntEditorScreen} />
          <Route path="/events/:id/hunts/codes" component={HuntCodesScreen} />
          <Route path="/h/:code" component={ClaimLinkScreen} />
          <Route path="/card" component={CardScreen} />
          <Route path="/c/:code" component={CardLinkScreen} />
          <Route path="/connections" component={ConnectionsScreen} />
          <Route path="/tickets" component={MyTicketsScreen} />
          <Route path="/schedule" component={ScheduleScreen} />
          <Route path="/messages" component={MessagesScreen} />
          <Route path="/profile" component={ProfileScreen} />
          <Route path="/inbox" component={InboxScreen} />
          <Route path="/settings/notifications" component={NotificationSettingsScreen} />
          <Route path="/channels/:id" component={ChannelScreen} />
          <Route>
            <section aria-labelledby="page-title">
              <h1 id="page-title" tabIndex={-1}>
                Page not found
              </h1>
            </section>
          </Route>
        </Switch>
      </Suspense>
    </>
  );
}
