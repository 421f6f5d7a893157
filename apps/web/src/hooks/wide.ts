import { useSyncExternalStore } from 'react';

/** The width from which the tab bar is a side navigation (styles.css); screens may use two panes. */
const DESKTOP = '(min-width: 900px)';

/** Whether the window is desktop-wide now; follows resizes and rotations. */
export function useDesktop(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(DESKTOP);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(DESKTOP).matches,
  );
}
