// Alerts on the page, in a real Chromium against `next start`: an admin makes a webhook channel (its
// secret shown once) and a rule in the Alerts panel and sends a test notification; the cron's refresh
// fires the rule, the receiver on 127.0.0.1 gets it signed, and the dashboard shows the banner.
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { launchChromium } from '../../scripts/lib/browser';
import { signIn } from '../support/e2e-auth';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

const base = inject('baseUrl');
const WORKSPACE = 'acme';
const CAMPAIGN = 'E2E alert burst';
let browser: Browser;
let db: pg.Client;
let receiver: Receiver;

beforeAll(async () => {
  browser = await launchChromium({ log: (line) => process.stderr.write(`[alerts e2e] ${line}\n`) });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  receiver = await startReceiver();
});
afterAll(async () => {
  await db.query(`delete from public.alert_rules where workspace_id = $1`, [WORKSPACE]);
  await db.query(`delete from public.alert_channels where workspace_id = $1`, [WORKSPACE]);
  await db.query(`delete from public.email_events where workspace_id = $1 and campaign_name = $2`, [WORKSPACE, CAMPAIGN]);
  await fetch(`${base}/api/admin/refresh-views`, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
  await db.end();
  await receiver.close();
  await browser?.close();
});

async function open(role: 'admin' | 'viewer'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  await signIn(context, role);
  const page = await context.newPage();
  await page.goto(`${base}/?workspace_id=${WORKSPACE}&range=7d`);
  await page.locator('[data-testid=dashboard][data-ready=true]').waitFor();
  await page.locator('[data-testid=alerts-panel]').waitFor();
  return page;
}

describe('the Alerts panel and banner', () => {
  it('an admin adds a channel and a rule, a test notification arrives signed, and a firing rule shows as a banner', async () => {
    const page = await open('admin');
    await page.locator('[data-testid=alert-channel-add]').click();
    await page.locator('[data-testid=alert-channel-url]').fill(receiver.url('/e2e'));
    await page.locator('[data-testid=alert-channel-save]').click();
    const secret = (await page.locator('[data-testid=alert-channel-secret-value]').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    receiver.setSecret(secret);
    await page.locator('[data-testid=alert-channel-secret] button').click();
    await expect.poll(() => page.locator('[data-testid=alert-channel]').count()).toBe(1);
    // The secret is not on the page any more, and never in the alerts' answer.
    expect(await page.content()).not.toContain(secret);

    await page.locator('[data-testid=alert-channel-test]').click();
    await expect.poll(() => page.locator('[data-testid=alerts-notice]').textContent()).toBe('Test notification delivered.');
    expect(receiver.accepted().map((r) => r.verified?.type)).toEqual(['alert.test']);

    await page.locator('[data-testid=alert-rule-add]').click();
    await page.locator('[data-testid=alert-rule-form] input[list=alert-campaigns]').fill(CAMPAIGN);
    await page.locator('[data-testid=alert-rule-threshold]').fill('10');
    await page.locator('[data-testid=alert-rule-form] label:has-text("Min. sends") input').fill('5');
    await page.locator('[data-testid=alert-rule-save]').click();
    await expect.poll(() => page.locator('[data-testid=alert-rule]').count()).toBe(1);
    expect(await page.locator('[data-testid=alert-rule-condition]').textContent()).toBe(`Bounce rate above 10.0 % over 24h, campaign “${CAMPAIGN}”`);
    expect(await page.locator('[data-testid=alert-rule]').getAttribute('data-state')).toBe('ok');
    expect(await page.locator('[data-testid=alert-banner]').count()).toBe(0);

    // A burst of bounces, then the cron's refresh: the rule fires and the receiver is told, signed.
    await db.query(`insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, event_ts)
      select $1, $2, 'burst' || g || '@example.com', case when g <= 10 then 'bounced' else 'sent' end, now() - interval '5 minutes'
      from generate_series(1, 30) g`, [WORKSPACE, CAMPAIGN]);
    const refreshed = await fetch(`${base}/api/admin/refresh-views`, { method: 'POST', headers: { 'x-refresh-token': inject('refreshToken') } });
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).alerts).toMatchObject({ fired: 1 });
    await vi.waitFor(() => expect(receiver.accepted().map((r) => r.verified?.type)).toEqual(['alert.test', 'alert.firing']), { timeout: 15_000 });
    expect(receiver.accepted()[1]?.verified).toMatchObject({ workspace_id: WORKSPACE, metric: 'bounce_rate', campaign: CAMPAIGN, value: 0.5, threshold: 0.1 });

    await page.reload();
    await page.locator('[data-testid=alert-banner]').waitFor();
    expect(await page.locator('[data-testid=alert-banner-rule]').textContent()).toMatch(new RegExp(`^Bounce rate above 10\\.0 % over 24h, campaign “${CAMPAIGN}”: now 50\\.0 %, since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$`));
    expect(await page.locator('[data-testid=alert-rule]').getAttribute('data-state')).toBe('firing');
    await expect.poll(async () => { await page.reload(); return page.locator('[data-testid=alert-delivery][data-status=sent]').count(); }, { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: 'test-results/alerts-panel.png', fullPage: true });
    await page.context().close();

    // A viewer sees the banner and the rule, no channel URL and no button to change anything.
    const viewer = await open('viewer');
    await viewer.locator('[data-testid=alert-banner]').waitFor();
    expect(await viewer.locator('[data-testid=alert-rule-add]').count()).toBe(0);
    expect(await viewer.locator('[data-testid=alerts-panel]').textContent()).not.toContain('127.0.0.1');
    await viewer.context().close();
  });
});
