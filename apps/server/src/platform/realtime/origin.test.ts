import { describe, expect, it, vi } from 'vitest';
import { createRefusedOriginLog, isAllowedOrigin } from './origin.ts';

const allowed = new Set(['https://muster.example']);

describe('socket origin rule', () => {
  it('allows no Origin, a configured origin, and the page served from the address it connects to', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:3000', allowed)).toBe(true);
    expect(isAllowedOrigin('https://muster.example', 'muster.example', allowed)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:3000', '127.0.0.1:3000', allowed)).toBe(true);
    expect(isAllowedOrigin('http://192.168.1.20:3000', '192.168.1.20:3000', allowed)).toBe(true);
    expect(isAllowedOrigin('http://[::1]:3000', '[::1]:3000', allowed)).toBe(true);
  });

  it('refuses hostile origins', () => {
    expect(isAllowedOrigin('https://evil.example', 'muster.example', allowed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:3001', '127.0.0.1:3000', allowed)).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:3000', allowed)).toBe(false);
    expect(isAllowedOrigin('file://127.0.0.1:3000', '127.0.0.1:3000', allowed)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:3000', undefined, allowed)).toBe(false);
    expect(isAllowedOrigin('http://evil.example@127.0.0.1:3000', 'evil.example', allowed)).toBe(false);
    expect(isAllowedOrigin(`http://${'a'.repeat(5000)}`, '127.0.0.1:3000', allowed)).toBe(false);
  });

  it('logs a refused origin once, naming the setting, and stays bounded', () => {
    const warn = vi.fn();
    const refused = createRefusedOriginLog(2);
    refused.note('https://evil.example', { warn });
    refused.note('https://evil.example', { warn });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatch(/ALLOWED_ORIGINS/);
    refused.note('https://b.example', { warn });
    refused.note('https://c.example', { warn });
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
