import { bucketLabel, type Interval } from '@/lib/charts/axis';
import { formatCount, formatUsd } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';

/** Every figure of one bucket (a day, week or month), for the trend chart's tooltip. */
export function DayTooltip({ point, locale, interval = 'day', partial = false }: {
  point: TimeseriesPoint | undefined; locale?: string; interval?: Interval; partial?: boolean;
}) {
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
      <strong>{bucketLabel(point.day, interval, { locale, long: true })}</strong>
      {partial ? <span className="chart-tooltip-note"> · today so far</span> : null}
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
    </div>
  );
}
