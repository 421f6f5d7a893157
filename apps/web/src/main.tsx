import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { started } from './client.ts';
import { applyTheme, savedTheme } from './lib/theme.ts';
import './styles.css';

// Before the first paint, so a dark-mode choice does not flash light.
applyTheme(savedTheme(), false);

/** Renders once the saved session is restored from IndexedDB, so the first screen is the right one. */
async function render() {
  await started.catch((error: unknown) => console.error('muster: could not restore the session', error));
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
void render();

// The service worker makes the next visit work offline; registering after load keeps it off the
// critical path of the first one.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn('muster: service worker registration failed', error);
    });
  });
}
