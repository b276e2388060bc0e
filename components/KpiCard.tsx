import type { Change } from '@/lib/dashboard/compare';
import { Skeleton } from './Skeleton';

export interface Kpi {
  id: string;
  label: string;
  value: string;
  /** Against the compared period: percent for counts, percentage points for rates; null when there is nothing to compare. */
  change: Change | null;
  /** Whether a rise is good news (sends) or bad news (bounces, cost). */
  higherIsBetter: boolean;
  hint?: string;
}

/** One headline number with its change against the previous period. */
export function KpiCard({ kpi, loading }: { kpi: Kpi; loading: boolean }) {
  const { change } = kpi;
  const tone = change === null || change.value === 0 ? 'neutral' : (change.value > 0) === kpi.higherIsBetter ? 'good' : 'bad';
  return (
    <div className="kpi" data-testid={`kpi-${kpi.id}`} title={kpi.hint}>
      <div className="kpi-label">{kpi.label}</div>
      {loading ? (
        <Skeleton height={44} className="kpi-skeleton" />
      ) : (
        <>
          <div className="kpi-value" data-testid={`kpi-${kpi.id}-value`}>{kpi.value}</div>
          <div className={`kpi-change ${tone}`} data-testid={`kpi-${kpi.id}-change`}
            aria-label={change === null ? 'no previous period to compare' : `${change.text} against the previous period`}>
            {change?.text ?? '—'} <span className="muted">vs prior</span>
          </div>
        </>
      )}
    </div>
  );
}
