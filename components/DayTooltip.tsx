import { formatCount, formatDay, formatUsd } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';

/** Every figure of one day, for the trend chart's tooltip. */
export function DayTooltip({ point, locale }: { point: TimeseriesPoint | undefined; locale?: string }) {
  if (!point) return null;
  const rows: Array<[string, string]> = [
    ['Sends', formatCount(point.sends)],
    ['Opens', formatCount(point.opens)],
    ['Clicks', formatCount(point.clicks)],
    ['Replies', formatCount(point.replies)],
    ['Bounces', formatCount(point.bounces)],
    ['Opt-outs', formatCount(point.opt_outs)],
    ['Unique contacts', formatCount(point.unique_contacts)],
    ['LLM cost', formatUsd(point.cost_usd)],
  ];
  return (
    <div className="chart-tooltip" data-testid="day-tooltip">
      <strong>{formatDay(point.day, { year: true, locale })}</strong>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
    </div>
  );
}
