// One definition of how often the views refresh and when they count as stale: the cron in
// vercel.json, the dev loop, the server's default and the badge's words all follow lib/freshness.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../lib/env';
import { DEFAULT_REFRESH_EVERY_SECONDS, DEFAULT_STALE_AFTER_SECONDS, describeInterval, pollMsFor, staleAfterFor } from '../../lib/freshness';

describe('the refresh schedule', () => {
  it('is the one in vercel.json', () => {
    const vercel = JSON.parse(fs.readFileSync(path.join(__dirname, '../../vercel.json'), 'utf8')) as { crons: Array<{ path: string; schedule: string }> };
    const cron = vercel.crons.find((c) => c.path === '/api/admin/refresh-views');
    expect(cron?.schedule).toBe(`*/${DEFAULT_REFRESH_EVERY_SECONDS / 60} * * * *`);
  });

  it('leaves a view stale only after more than one missed refresh', () => {
    expect(DEFAULT_STALE_AFTER_SECONDS).toBe(600);
    expect(parseEnv({ DATABASE_URL: 'postgres://x@localhost/db' })).toMatchObject({ REFRESH_EVERY_SECONDS: 300, STALE_AFTER_SECONDS: 600 });
  });

  it('follows REFRESH_EVERY_SECONDS: the stale threshold is two missed refreshes, at least a minute, unless set', () => {
    const db = { DATABASE_URL: 'postgres://x@localhost/db' };
    expect(parseEnv({ ...db, REFRESH_EVERY_SECONDS: '10' })).toMatchObject({ REFRESH_EVERY_SECONDS: 10, STALE_AFTER_SECONDS: 60 });
    expect(parseEnv({ ...db, REFRESH_EVERY_SECONDS: '120' })).toMatchObject({ STALE_AFTER_SECONDS: 240 });
    expect(parseEnv({ ...db, REFRESH_EVERY_SECONDS: '10', STALE_AFTER_SECONDS: '30' })).toMatchObject({ STALE_AFTER_SECONDS: 30 });
    expect(staleAfterFor(5)).toBe(60);
    for (const bad of ['0', '2.5', 'often', '100000']) {
      expect(() => parseEnv({ ...db, REFRESH_EVERY_SECONDS: bad })).toThrow(/REFRESH_EVERY_SECONDS/);
    }
  });

  it('makes the page ask again as often as the views may change, between 5 s and a minute', () => {
    expect(pollMsFor(5)).toBe(5_000);
    expect(pollMsFor(1)).toBe(5_000);
    expect(pollMsFor(10)).toBe(10_000);
    expect(pollMsFor(300)).toBe(60_000);
  });

  it('reads in words', () => {
    expect(describeInterval(300)).toBe('5 minutes');
    expect(describeInterval(60)).toBe('1 minute');
    expect(describeInterval(3600)).toBe('1 hour');
    expect(describeInterval(90)).toBe('90 seconds');
  });
});
