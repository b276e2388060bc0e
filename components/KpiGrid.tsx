import { comparisonNote, countChange, rateChange, type Change, type Comparison } from '@/lib/dashboard/compare';
import { formatCount, formatRate, formatUsd } from '@/lib/dashboard/format';
import type { DashboardSummary } from '@/lib/dashboard/response';
import { KpiCard, type Kpi } from './KpiCard';

function costPerReply(summary: DashboardSummary): number | null {
  return summary.replies === 0 ? null : summary.total_cost_usd / summary.replies;
}

type Figure = 'sends' | 'opt_outs' | 'unique_contacts' | 'total_cost_usd';
type Rate = 'open_rate' | 'click_rate' | 'reply_rate' | 'bounce_rate';

/**
 * The KPI row: sends, rates, opt-outs, unique contacts, LLM cost and cost per reply, for the whole
 * range; each change compares the complete days of the range with as many days before
 * (`comparison`, see lib/dashboard/compare.ts), and a line under the row says which.
 */
export function KpiGrid({ current, comparison, range, locale, loading }: {
  current?: DashboardSummary;
  /** undefined while it loads; null when the range has no complete day to compare. */
  comparison?: Comparison | null;
  range: { from: string; to: string };
  locale?: string;
  loading: boolean;
}) {
  const before = comparison?.previous.summary;
  const now = comparison?.current.summary;
  const count = (key: Figure): Change | null => (now && before ? countChange(now[key], before[key]) : null);
  const rate = (key: Rate): Change | null => (now && before ? rateChange(now[key], before[key]) : null);
  const kpis: Kpi[] = current
    ? [
        { id: 'sends', label: 'Sends', value: formatCount(current.sends), change: count('sends'), higherIsBetter: true },
        { id: 'open-rate', label: 'Open rate', value: formatRate(current.open_rate), change: rate('open_rate'), higherIsBetter: true, hint: `${formatCount(current.opens)} opens` },
        { id: 'click-rate', label: 'Click rate', value: formatRate(current.click_rate), change: rate('click_rate'), higherIsBetter: true, hint: `${formatCount(current.clicks)} clicks` },
        { id: 'reply-rate', label: 'Reply rate', value: formatRate(current.reply_rate), change: rate('reply_rate'), higherIsBetter: true, hint: `${formatCount(current.replies)} replies` },
        { id: 'bounce-rate', label: 'Bounce rate', value: formatRate(current.bounce_rate), change: rate('bounce_rate'), higherIsBetter: false, hint: `${formatCount(current.bounces)} bounces` },
        { id: 'opt-outs', label: 'Opt-outs', value: formatCount(current.opt_outs), change: count('opt_outs'), higherIsBetter: false },
        { id: 'unique-contacts', label: 'Unique contacts', value: formatCount(current.unique_contacts), change: count('unique_contacts'), higherIsBetter: true },
        { id: 'llm-cost', label: 'LLM cost', value: formatUsd(current.total_cost_usd), change: count('total_cost_usd'), higherIsBetter: false, hint: `${formatCount(current.llm_calls)} calls` },
        { id: 'cost-per-reply', label: 'Cost per reply', value: formatUsd(costPerReply(current)), change: now && before ? countChange(costPerReply(now), costPerReply(before)) : null, higherIsBetter: false },
      ]
    : [];
  const placeholder = loading && kpis.length === 0;
  return (
    <section className="kpi-section" aria-label="Key figures">
      <div className="kpis" aria-busy={loading} data-testid={placeholder ? 'kpis-loading' : 'kpis'}>
        {placeholder
          ? Array.from({ length: 9 }, (_, i) => <KpiCard key={i} loading kpi={{ id: `loading-${i}`, label: '\u00a0', value: '', change: null, higherIsBetter: true }} />)
          : kpis.map((kpi) => <KpiCard key={kpi.id} kpi={kpi} loading={false} />)}
      </div>
      {comparison !== undefined && current ? <p className="muted comparison-note" data-testid="comparison-note">{comparisonNote(comparison, range, locale)}</p> : null}
    </section>
  );
}
