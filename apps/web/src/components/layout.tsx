import { type ReactNode, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useConnection, useOnline, usePendingCount } from '../hooks/store.ts';
import { InboxBell } from './inbox-bell.tsx';
import { UnreadBadge } from './unread-badge.tsx';

/**
 * Page frame: skip link, header, offline banner, main landmark and (signed in) the bottom tab bar.
 * After each navigation focus moves to the new page's heading, so screen readers announce it.
 */
export function Layout({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const [location] = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation, which `location` stands for
  useEffect(() => {
    // A detail pane (desktop agenda) is what the new address names, so its heading comes first.
    const focusHeading = () =>
      (document.getElementById('detail-title') ?? document.getElementById('page-title'))?.focus({
        preventScroll: false,
      });
    const timer = window.setTimeout(focusHeading, 0);
    return () => window.clearTimeout(timer);
  }, [location]);
  return (
    <div className={signedIn ? 'shell signed-in' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand">
          Muster
        </Link>
        {signedIn ? <InboxBell /> : null}
        {signedIn ? <ConnectionDot /> : null}
      </header>
      {signedIn ? <OfflineBanner /> : null}
      {signedIn ? <NotLiveBanner /> : null}
      <main id="main" className="app-main">
        {children}
      </main>
      {signedIn ? <TabBar location={location} /> : null}
    </div>
  );
}

function ConnectionDot() {
  const status = useConnection();
  const live = status === 'connected';
  const label = live
    ? 'Live'
    : status === 'offline'
      ? 'Offline'
      : status === 'waiting'
        ? 'Not live'
        : 'Connecting';
  return (
    <span
      className={`connection ${live ? 'is-live' : ''}`}
      data-status={status}
      data-testid="connection-status"
    >
      <span className="visually-hidden">Connection: </span>
      {label}
    </span>
  );
}

/** How long online without a live connection before the app says why. */
export const NOT_LIVE_MS = 8000;

/**
 * Online but the live connection keeps failing: says so (instead of "Connecting" forever), that
 * changes still save, and the likely cause — the server refusing this page's address.
 */
function NotLiveBanner() {
  const status = useConnection();
  const online = useOnline();
  const [stuck, setStuck] = useState(false);
  const failing = online && (status === 'waiting' || status === 'connecting');
  useEffect(() => {
    setStuck(false);
    if (!failing) return;
    const timer = window.setTimeout(() => setStuck(true), NOT_LIVE_MS);
    return () => window.clearTimeout(timer);
  }, [failing]);
  if (!failing || !stuck) return null;
  return (
    <div className="banner" role="status" data-testid="not-live-banner">
      <strong>Live updates are not reaching this device. </strong>
      Your changes still save; new messages appear when you reload. Retrying… If this lasts, the server may
      not accept this address ({window.location.origin}): its log says which setting (ALLOWED_ORIGINS) to
      change.
    </div>
  );
}

/** Online, writes normally leave within a moment: the banner shows them only when they linger. */
const LINGER_MS = 3000;

/** Offline (or writes waiting for a while): says so, with the number of queued actions. */
function OfflineBanner() {
  const online = useOnline();
  const pending = usePendingCount();
  const [lingering, setLingering] = useState(false);
  useEffect(() => {
    setLingering(false);
    if (!online || pending === 0) return;
    const timer = window.setTimeout(() => setLingering(true), LINGER_MS);
    return () => window.clearTimeout(timer);
  }, [online, pending]);
  if (online && (pending === 0 || !lingering)) return null;
  const queued = pending === 1 ? '1 action waiting to send' : `${pending} actions waiting to send`;
  return (
    <div className="banner" role="status" data-testid="offline-banner">
      {online ? null : <strong>You are offline. </strong>}
      {online ? 'Sending your changes… ' : 'Showing what is saved on this device. '}
      <span data-testid="pending-count">{queued}</span>
    </div>
  );
}

const tabs = [
  { href: '/', label: 'Events' },
  { href: '/schedule', label: 'My schedule' },
  { href: '/messages', label: 'Messages' },
  { href: '/profile', label: 'Profile' },
];

/** Bottom tab bar on a phone; the stylesheet turns it into a side navigation from 900px. Sign out lives in Profile. */
function TabBar({ location }: { location: string }) {
  return (
    <nav className="tab-bar" aria-label="Main">
      {tabs.map((tab) => {
        const current =
          tab.href === '/'
            ? location === '/' || location.startsWith('/events') || location.startsWith('/sessions')
            : location.startsWith(tab.href);
        return (
          <Link key={tab.href} href={tab.href} aria-current={current ? 'page' : undefined}>
            {tab.label}
            {tab.href === '/messages' ? <UnreadBadge /> : null}
          </Link>
        );
      })}
    </nav>
  );
}
