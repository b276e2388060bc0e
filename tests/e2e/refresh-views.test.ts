// The refresh route over HTTP against the production server (`next start`).
import pg from 'pg';
import { describe, expect, it, inject, vi } from 'vitest';

const base = inject('baseUrl');
const url = `${base}/api/admin/refresh-views`;

describe('refresh-views over HTTP (next start)', () => {
  it('POST with x-refresh-token refreshes; without it answers 401', async () => {
    const ok = await fetch(url, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.status).toBe('refreshed');
    expect(ok.headers.get('cache-control')).toContain('no-store');
    const refused = await fetch(url, { method: 'POST' });
    expect(refused.status).toBe(401);
  });

  it('GET as Vercel Cron (Bearer CRON_SECRET) refreshes; GET without credentials reports freshness', async () => {
    const cron = await fetch(url, { headers: { authorization: `Bearer ${inject('cronSecret')}`, 'user-agent': 'vercel-cron/1.0' } });
    expect(cron.status).toBe(200);
    expect((await cron.json()).status).toBe('refreshed');
    const freshness = await fetch(url);
    expect(freshness.status).toBe(200);
    const report = (await freshness.json()) as { stale: boolean; stale_after_seconds: number; views: Array<{ view_name: string; stale: boolean }> };
    expect(report.views.map((f) => f.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    expect(report.stale).toBe(false);
    expect(report.stale_after_seconds).toBeGreaterThan(0);
    // Just refreshed, so an uptime monitor's check passes.
    const monitor = await fetch(`${url}?fail_if_stale=1`);
    expect(monitor.status).toBe(200);
    expect(freshness.headers.get('cache-control')).toContain('no-store');
  });

  it('answers 409 with Retry-After, at once, to a call made while a refresh is running', async () => {
    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    const blocker = new pg.Client({ connectionString: inject('databaseUrl') });
    await blocker.connect();
    try {
      // A new event gives the refresh work; holding the per-contact state stops it midway (after
      // mv_daily_stats), until we let it go.
      await db.query(`insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, event_ts)
                      values ('e2e-409', 'c', 'x@example.com', 'sent', now())`);
      await blocker.query('begin');
      await blocker.query('lock table public.dashboard_contact_days in access exclusive mode');
      const first = fetch(url, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
      await vi.waitFor(async () => {
        const { rows } = await db.query(`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%refresh_dashboard_views%'`);
        expect(rows).toHaveLength(1);
      }, { timeout: 20_000, interval: 50 });
      const second = await fetch(url, { headers: { authorization: `Bearer ${inject('cronSecret')}` } });
      expect(second.status).toBe(409);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
      await blocker.query('commit');
      expect((await first).status).toBe(200);
    } finally {
      await blocker.query('rollback').catch(() => {});
      await blocker.end();
      await db.end();
    }
  });

  it('a wrong bearer is 401 and the secret never appears in the answer', async () => {
    const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-secret' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(inject('cronSecret'));
  });
});
