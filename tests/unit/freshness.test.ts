// One definition of how often the views refresh and when they count as stale: the cron in
// vercel.json, the dev loop, the server's default and the badge's words all follow lib/freshness.ts.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../lib/env';
import { DEFAULT_STALE_AFTER_SECONDS, describeInterval, REFRESH_EVERY_SECONDS } from '../../lib/freshness';

describe('the refresh schedule', () => {
  it('is the one in vercel.json', () => {
    const vercel = JSON.parse(fs.readFileSync(path.join(__dirname, '../../vercel.json'), 'utf8')) as { crons: Array<{ path: string; schedule: string }> };
    const cron = vercel.crons.find((c) => c.path === '/api/admin/refresh-views');
    expect(cron?.schedule).toBe(`*/${REFRESH_EVERY_SECONDS / 60} * * * *`);
  });

  it('leaves a view stale only after more than one missed refresh', () => {
    expect(DEFAULT_STALE_AFTER_SECONDS).toBeGreaterThan(REFRESH_EVERY_SECONDS);
    expect(parseEnv({ DATABASE_URL: 'postgres://x@localhost/db' }).STALE_AFTER_SECONDS).toBe(DEFAULT_STALE_AFTER_SECONDS);
  });

  it('reads in words', () => {
    expect(describeInterval(300)).toBe('5 minutes');
    expect(describeInterval(60)).toBe('1 minute');
    expect(describeInterval(3600)).toBe('1 hour');
    expect(describeInterval(90)).toBe('90 seconds');
  });
});
