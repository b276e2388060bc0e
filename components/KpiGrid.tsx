import { formatCount, formatRate, formatUsd, periodChange } from '@/lib/dashboard/format';
import type { DashboardSummary } from '@/lib/dashboard/response';
import { KpiCard, type Kpi } from './KpiCard';

function costPerReply(summary: DashboardSummary | undefined): number | null {
  if (!summary || summary.replies === 0) return null;
  return summary.total_cost_usd / summary.replies;
}

/** The KPI row: sends, rates, opt-outs, unique contacts, LLM cost and cost per reply. */
export function KpiGrid({ current, previous, loading }: { current?: DashboardSummary; previous?: DashboardSummary; loading: boolean }) {
  const change = (pick: (s: DashboardSummary) => number | null) =>
    current && previous ? periodChange(pick(current), pick(previous)) : null;
  const kpis: Kpi[] = current
    ? [
        { id: 'sends', label: 'Sends', value: formatCount(current.sends), change: change((s) => s.sends), higherIsBetter: true },
        { id: 'open-rate', label: 'Open rate', value: formatRate(current.open_rate), change: change((s) => s.open_rate), higherIsBetter: true, hint: `${formatCount(current.opens)} opens` },
        { id: 'click-rate', label: 'Click rate', value: formatRate(current.click_rate), change: change((s) => s.click_rate), higherIsBetter: true, hint: `${formatCount(current.clicks)} clicks` },
        { id: 'reply-rate', label: 'Reply rate', value: formatRate(current.reply_rate), change: change((s) => s.reply_rate), higherIsBetter: true, hint: `${formatCount(current.replies)} replies` },
        { id: 'bounce-rate', label: 'Bounce rate', value: formatRate(current.bounce_rate), change: change((s) => s.bounce_rate), higherIsBetter: false, hint: `${formatCount(current.bounces)} bounces` },
        { id: 'opt-outs', label: 'Opt-outs', value: formatCount(current.opt_outs), change: change((s) => s.opt_outs), higherIsBetter: false },
        { id: 'unique-contacts', label: 'Unique contacts', value: formatCount(current.unique_contacts), change: change((s) => s.unique_contacts), higherIsBetter: true },
        { id: 'llm-cost', label: 'LLM cost', value: formatUsd(current.total_cost_usd), change: change((s) => s.total_cost_usd), higherIsBetter: false, hint: `${formatCount(current.llm_calls)} calls` },
        { id: 'cost-per-reply', label: 'Cost per reply', value: formatUsd(costPerReply(current)), change: current && previous ? periodChange(costPerReply(current), costPerReply(previous)) : null, higherIsBetter: false },
      ]
    : [];
  return (
    <section className="kpis" aria-label="Key figures" aria-busy={loading} data-testid={loading && kpis.length === 0 ? "kpis-loading" : "kpis"}>
      {loading && kpis.length === 0
        ? Array.from({ length: 9 }, (_, i) => <KpiCard key={i} loading kpi={{ id: `loading-${i}`, label: '\u00a0', value: '', change: null, higherIsBetter: true }} />)
        : kpis.map((kpi) => <KpiCard key={kpi.id} kpi={kpi} loading={false} />)}
    </section>
  );
}
