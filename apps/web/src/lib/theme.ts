/** The user's colour-scheme choice. 'system' follows prefers-color-scheme; the others override it. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'muster.theme';

/** The saved choice; 'system' when none (or storage is unavailable, e.g. private mode). */
export function savedTheme(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Applies a choice to <html> (the stylesheet keys its palette on data-theme) and remembers it on this device. */
export function applyTheme(theme: Theme, save = true): void {
  const root = document.documentElement;
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
  if (!save) return;
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // Storage unavailable: the choice lasts for this page only.
  }
}
