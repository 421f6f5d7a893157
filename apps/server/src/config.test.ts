import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('reports every invalid key at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        MUSTER_ROLES: 'api,chef',
        JWT_SECRET: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(keys).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'MUSTER_ROLES', 'PORT']);
  });

  it('defaults to the embedded database with every role on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      seed: 'auto',
      publicUrl: 'http://localhost:3000',
    });
    expect([...config.roles]).toEqual(['api', 'realtime', 'worker']);
    expect(config.dataDir.endsWith('.muster')).toBe(true);
  });

  it('paces and caps mail with defaults, each overridable and validated', () => {
    expect(loadConfig({}).mailLimits).toEqual({
      bulkPerSecond: 2,
      recipientPerDay: 3,
      communityPerDay: 1000,
      verifiedCommunityPerDay: 20000,
      accountPerHour: 5,
    });
    expect(loadConfig({ MAIL_BULK_PER_SECOND: '20', MAIL_RECIPIENT_PER_DAY: '1' }).mailLimits).toMatchObject({
      bulkPerSecond: 20,
      recipientPerDay: 1,
    });
    const error = (() => {
      try {
        loadConfig({ MAIL_BULK_PER_SECOND: '0', MAIL_ACCOUNT_PER_HOUR: '-1', MAIL_COMMUNITY_PER_DAY: 'x' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'MAIL_ACCOUNT_PER_HOUR',
      'MAIL_BULK_PER_SECOND',
      'MAIL_COMMUNITY_PER_DAY',
    ]);
  });

  it('reads TRUST_PROXY: unset trusts no proxy; addresses, CIDRs or a hop count; never garbage', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.2, 192.168.0.0/16,loopback' }).trustProxy).toEqual([
      '10.0.0.2',
      '192.168.0.0/16',
      'loopback',
    ]);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    for (const bad of ['true', '*', '10.0.0.300', '10.0.0.0/99'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });
});
