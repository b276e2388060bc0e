'use client';
// A rule, new or edited. Rates are typed as percentages (5 = 5 %) and sent as fractions; the server
// validates the whole rule and its answer is shown as it is.
import { useState } from 'react';
import { DEFAULT_MIN_SENDS, RATE_METRICS, type AlertMetric } from '@/lib/alerts/metrics';
import { metricName } from '@/lib/alerts/describe';
import type { AlertChannel, AlertRule, RuleInput } from '@/lib/alerts/schema';

const METRICS: AlertMetric[] = ['llm_cost', 'bounce_rate', 'opt_out_rate', 'reply_rate'];

interface Draft {
  metric: AlertMetric; direction: 'above' | 'below'; threshold: string; window: '24h' | '7d'; period: 'day' | 'month';
  campaign: string; provider: string; minSends: string; forCount: string; resolveAfter: string; channelId: string;
}

function draftOf(rule: AlertRule | undefined, channels: AlertChannel[]): Draft {
  const rate = rule ? RATE_METRICS.includes(rule.metric) : false;
  return {
    metric: rule?.metric ?? 'bounce_rate', direction: rule?.direction ?? 'above',
    threshold: rule ? String(rate ? Math.round(rule.threshold * 1e6) / 1e4 : rule.threshold) : '',
    window: rule?.window ?? '24h', period: rule?.period ?? 'month', campaign: rule?.campaign ?? '', provider: rule?.provider ?? '',
    minSends: String(rule?.min_sends ?? DEFAULT_MIN_SENDS), forCount: String(rule?.for ?? 1), resolveAfter: String(rule?.resolve_after ?? 1),
    channelId: rule?.channel_id ?? channels.find((c) => !c.disabled_at)?.id ?? '',
  };
}

function ruleOf(d: Draft): RuleInput {
  const rate = RATE_METRICS.includes(d.metric);
  const number = Number(d.threshold);
  return {
    metric: d.metric, direction: rate ? d.direction : 'above', threshold: rate ? number / 100 : number, channel_id: d.channelId,
    window: rate ? d.window : null, period: d.metric === 'llm_cost' ? d.period : null,
    campaign: d.campaign.trim() || null, provider: d.metric === 'llm_cost' ? d.provider.trim() || null : null,
    min_sends: Number(d.minSends), for: Number(d.forCount), resolve_after: Number(d.resolveAfter),
  };
}

export function AlertRuleForm({ rule, channels, campaigns, onSave, onCancel }: {
  rule?: AlertRule; channels: AlertChannel[]; campaigns: string[];
  onSave: (rule: RuleInput) => Promise<string | null>; onCancel: () => void;
}) {
  const [draft, setDraft] = useState(() => draftOf(rule, channels));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const rate = RATE_METRICS.includes(draft.metric);
  return (
    <form className="alert-form" data-testid="alert-rule-form" onSubmit={async (event) => {
      event.preventDefault();
      setSaving(true);
      const refused = await onSave(ruleOf(draft));
      setSaving(false);
      if (refused) setError(refused);
    }}>
      <label>Metric
        <select value={draft.metric} data-testid="alert-rule-metric" onChange={(e) => set({ metric: e.target.value as AlertMetric, direction: e.target.value === 'reply_rate' ? 'below' : 'above' })}>
          {METRICS.map((m) => <option key={m} value={m}>{metricName(m)}</option>)}
        </select>
      </label>
      {rate ? (
        <label>When
          <select value={draft.direction} onChange={(e) => set({ direction: e.target.value as 'above' | 'below' })}>
            <option value="above">above</option><option value="below">below</option>
          </select>
        </label>
      ) : null}
      <label>{rate ? 'Threshold (%)' : 'Budget (USD)'}
        <input type="number" min="0" step="any" required value={draft.threshold} data-testid="alert-rule-threshold" onChange={(e) => set({ threshold: e.target.value })} />
      </label>
      {rate ? (
        <label>Window
          <select value={draft.window} onChange={(e) => set({ window: e.target.value as '24h' | '7d' })}><option value="24h">24h</option><option value="7d">7d</option></select>
        </label>
      ) : (
        <label>Per
          <select value={draft.period} data-testid="alert-rule-period" onChange={(e) => set({ period: e.target.value as 'day' | 'month' })}><option value="day">day</option><option value="month">month</option></select>
        </label>
      )}
      <label>Campaign
        <input list="alert-campaigns" value={draft.campaign} placeholder="all" onChange={(e) => set({ campaign: e.target.value })} />
        <datalist id="alert-campaigns">{campaigns.map((c) => <option key={c} value={c} />)}</datalist>
      </label>
      {draft.metric === 'llm_cost' ? (
        <label>Provider<input value={draft.provider} placeholder="all" onChange={(e) => set({ provider: e.target.value })} /></label>
      ) : (
        <label>Min. sends<input type="number" min="0" value={draft.minSends} onChange={(e) => set({ minSends: e.target.value })} /></label>
      )}
      <label>Fire after<input type="number" min="1" value={draft.forCount} onChange={(e) => set({ forCount: e.target.value })} /></label>
      <label>Resolve after<input type="number" min="1" value={draft.resolveAfter} onChange={(e) => set({ resolveAfter: e.target.value })} /></label>
      <label>Channel
        <select value={draft.channelId} required data-testid="alert-rule-channel" onChange={(e) => set({ channelId: e.target.value })}>
          {channels.map((c) => <option key={c.id} value={c.id}>{c.name || c.kind} {c.url_hint ?? ''}{c.disabled_at ? ' (disabled)' : ''}</option>)}
        </select>
      </label>
      <div className="alert-form-actions">
        <button type="submit" disabled={saving || channels.length === 0} data-testid="alert-rule-save">{saving ? 'Saving…' : rule ? 'Save rule' : 'Add rule'}</button>
        <button type="button" className="link-button" onClick={onCancel}>cancel</button>
        {error ? <span role="alert" className="refresh-failed" data-testid="alert-rule-error">{error}</span> : null}
      </div>
    </form>
  );
}
