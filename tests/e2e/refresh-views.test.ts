// The refresh route over HTTP against the production server (`next start`).
import { describe, expect, it, inject } from 'vitest';

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
    const report = await freshness.json();
    expect(report.freshness.map((f: { view_name: string }) => f.view_name)).toEqual(['mv_daily_stats', 'mv_daily_contacts', 'mv_llm_cost']);
    expect(report.stale).toBe(false);
  });

  it('a wrong bearer is 401 and the secret never appears in the answer', async () => {
    const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-secret' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(inject('cronSecret'));
  });
});
