// @vitest-environment jsdom
// The alerts' pure parts: which addresses a channel may not reach, Retry-After, the words of a
// notification, and the banner and panel as a person sees them.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertBanner } from '../../components/AlertBanner';
import { AlertsPanel } from '../../components/AlertsPanel';
import { describeNotification } from '../../lib/alerts/describe';
import { checkDestination, isPrivateAddress } from '../../lib/alerts/destination';
import { retryAfterSeconds } from '../../lib/alerts/messages';
import { ruleInputSchema, type AlertRule, type AlertsResponse } from '../../lib/alerts/schema';
import type { AlertActions } from '../../lib/swr/use-alerts';

afterEach(cleanup);

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1', workspace_id: 'acme', metric: 'bounce_rate', direction: 'above', threshold: 0.05, window: '24h', period: null, min_sends: 100,
  campaign: 'Launch', provider: null, for: 1, resolve_after: 1, repeat_every_seconds: null, channel_id: 'c1', state: 'firing',
  since: '2025-03-10T13:00:00.000Z', value: 0.125, sends: 400, last_evaluated_at: null, last_fired_at: '2025-03-10T13:00:00.000Z',
  last_resolved_at: null, created_at: '2025-03-01T00:00:00.000Z',
  deliveries: [{ id: 1, message_id: 'msg_1', type: 'alert.firing', status: 'retrying', attempts: 2, http_status: 500, error: 'HTTP 500',
    created_at: '2025-03-10T13:00:00.000Z', sent_at: null, next_attempt_at: '2025-03-10T13:01:00.000Z' }],
  ...over,
});

describe('where a channel may send', () => {
  it('knows loopback, private, link-local and mapped addresses from public ones', () => {
    for (const address of ['127.0.0.1', '10.0.0.8', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses a literal private host, credentials in the URL, and another scheme; allows them all when told to', async () => {
    await expect(checkDestination('http://127.0.0.1:8080/x', { allowPrivate: false })).rejects.toThrow(/private or loopback/);
    await expect(checkDestination('http://[::1]/x', { allowPrivate: false })).rejects.toThrow(/private or loopback/);
    await expect(checkDestination('https://user:pw@8.8.8.8/x', { allowPrivate: false })).rejects.toThrow(/user name or password/);
    await expect(checkDestination('ftp://8.8.8.8/x', { allowPrivate: false })).rejects.toThrow(/http/);
    await expect(checkDestination('https://8.8.8.8/x', { allowPrivate: false })).resolves.toBeUndefined();
    await expect(checkDestination('http://127.0.0.1:8080/x', { allowPrivate: true })).resolves.toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, never below zero, at most a day', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(retryAfterSeconds('Thu, 01 Jan 1970 00:00:00 GMT')).toBe(0);
    expect(retryAfterSeconds('999999')).toBe(86_400);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});

describe('a rule as written', () => {
  it('takes each metric with its own settings only', () => {
    const channel_id = '00000000-0000-4000-8000-000000000001';
    expect(ruleInputSchema.safeParse({ metric: 'llm_cost', direction: 'above', threshold: 100, period: 'month', provider: 'openai', channel_id }).success).toBe(true);
    const issues = (input: object) => ruleInputSchema.safeParse({ channel_id, ...input }).error?.issues.map((i) => i.path[0]);
    expect(issues({ metric: 'llm_cost', direction: 'above', threshold: 100 })).toEqual(['period']);
    expect(issues({ metric: 'reply_rate', direction: 'below', threshold: 5, window: '7d' })).toEqual(['threshold']);
    expect(issues({ metric: 'bounce_rate', direction: 'above', threshold: 0.1, window: '24h', provider: 'x' })).toEqual(['provider']);
    expect(issues({ metric: 'stale_views', direction: 'below', threshold: 600 })).toEqual(['direction']);
  });
});

describe('the words of a notification', () => {
  it('says what fired, where, the value against the threshold, the days and since when', () => {
    expect(describeNotification({
      type: 'alert.firing', rule_id: 'r', workspace_id: 'acme', metric: 'llm_cost', value: 105, threshold: 100, since: '2025-03-20T13:00:00.000Z',
      period: 'month', provider: 'openai', from: '2025-03-01', to: '2025-03-20', time_zone: 'America/New_York', dashboard_path: '/',
    })).toBe('Firing: LLM spend above $100.00 per month, provider openai in workspace acme; now $105.00, 2025-03-01 – 2025-03-20 (America/New_York), since 2025-03-20 13:00 UTC.');
    expect(describeNotification({
      type: 'alert.resolved', rule_id: 'r', workspace_id: null, metric: 'stale_views', value: 30, threshold: 600, since: null, dashboard_path: '/',
    })).toBe('Resolved: Views age above 600 s in operators; now 30 s.');
  });
});

describe('the banner and the panel', () => {
  const actions: AlertActions = {
    addChannel: vi.fn(), removeChannel: vi.fn(), enableChannel: vi.fn(), testChannel: vi.fn(), saveRule: vi.fn(), removeRule: vi.fn(),
  };
  const alerts = (role: 'admin' | 'viewer'): AlertsResponse => ({
    workspace_id: 'acme', role, rules: [rule(), rule({ id: 'r2', state: 'ok', metric: 'llm_cost', threshold: 50, window: null, period: 'day', value: 3, sends: null })],
    channels: [{ id: 'c1', kind: 'webhook', name: 'ops', url_hint: role === 'admin' ? 'https://hooks.example.com/…' : null,
      disabled_at: '2025-03-10T14:00:00.000Z', disabled_reason: 'the receiver answered 410 Gone', consecutive_failures: 0, created_at: '2025-03-01T00:00:00.000Z' }],
  });

  it('the banner lists the firing rules only, with value and since', () => {
    render(<AlertBanner rules={alerts('viewer').rules} />);
    expect(screen.getAllByTestId('alert-banner-rule').map((li) => li.textContent)).toEqual([
      'Bounce rate above 5.0 % over 24h, campaign “Launch”: now 12.5 %, since 2025-03-10 13:00 UTC']);
  });

  it('shows a viewer the rules, their history and a disabled channel, without any way to change them', () => {
    render(<AlertsPanel alerts={alerts('viewer')} admin={false} campaigns={[]} actions={actions} />);
    expect(screen.getAllByTestId('alert-rule').map((li) => li.dataset.state)).toEqual(['firing', 'ok']);
    expect(screen.getByTestId('alert-channel-disabled').textContent).toContain('410 Gone');
    expect(screen.getAllByTestId('alert-delivery')[0]?.textContent).toContain('retrying after 2 attempts (HTTP 500)');
    expect(screen.queryByTestId('alert-rule-add')).toBeNull();
    expect(screen.queryByTestId('alert-rule-edit')).toBeNull();
    expect(screen.queryByTestId('alert-channel-test')).toBeNull();
  });

  it('gives an admin the buttons', () => {
    render(<AlertsPanel alerts={alerts('admin')} admin campaigns={['Launch']} actions={actions} />);
    expect(screen.getByTestId('alert-rule-add')).toBeTruthy();
    expect(screen.getAllByTestId('alert-rule-edit')).toHaveLength(2);
    expect(screen.getByTestId('alert-channel-test')).toBeTruthy();
  });
});
