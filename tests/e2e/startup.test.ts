// The production server checks its environment once, at start-up, and names what is wrong.
import { describe, expect, inject, it } from 'vitest';
import { startNextServer } from '../../scripts/lib/next-server';

describe('next start', () => {
  it('refuses to start without a database, naming the variables to set', async () => {
    const attempt = startNextServer({ DATABASE_URL: '', SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' });
    await expect(attempt).rejects.toThrow(/DATABASE_URL.*SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/s);
  });

  it('refuses a refresh token shorter than 32 characters without printing it', async () => {
    const attempt = startNextServer({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db', MATERIALIZED_VIEWS_REFRESH_TOKEN: 'too-short-secret' });
    await expect(attempt).rejects.toThrow(/MATERIALIZED_VIEWS_REFRESH_TOKEN must be at least 32 characters/);
    await expect(attempt).rejects.not.toThrow(/too-short-secret/);
  });

  it('refuses to start in production without a way to verify sign-ins, naming the variables', async () => {
    const attempt = startNextServer({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db', SUPABASE_URL: '', SUPABASE_JWT_SECRET: '', DASHBOARD_AUTH: '' });
    await expect(attempt).rejects.toThrow(/SUPABASE_JWT_SECRET: .*SUPABASE_URL.*DASHBOARD_AUTH=off/);
  });

  it('refuses SUPABASE_URL without SUPABASE_ANON_KEY (the sign-in page needs it)', async () => {
    const attempt = startNextServer({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db', SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_ANON_KEY: '' });
    await expect(attempt).rejects.toThrow(/SUPABASE_ANON_KEY/);
  });

  it('refuses to start in production without the site\'s address (sign-in links are never built from request headers)', async () => {
    const attempt = startNextServer({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db', DASHBOARD_AUTH: 'off', SITE_URL: '', NEXT_PUBLIC_SITE_URL: '' });
    await expect(attempt).rejects.toThrow(/SITE_URL: .*NEXT_PUBLIC_SITE_URL/);
  });

  it('with DASHBOARD_AUTH=off starts open, logs a warning and shows a banner on the page', async () => {
    const server = await startNextServer({ DATABASE_URL: inject('databaseUrl'), DASHBOARD_AUTH: 'off', SUPABASE_URL: '', SUPABASE_ANON_KEY: '' });
    try {
      const html = await (await fetch(`${server.url}/`)).text();
      expect(html).toContain('data-testid="open-mode-banner"');
      expect(html).toContain('data-testid="kpi-sends-value"');
      expect((await fetch(`${server.url}/api/dashboard/workspaces`)).status).toBe(200);
      expect(server.output()).toMatch(/"event":"dashboard_auth_off"/);
    } finally {
      await server.stop();
    }
  });
});
