import { formatChange } from '@/lib/dashboard/format';
import { Skeleton } from './Skeleton';

export interface Kpi {
  id: string;
  label: string;
  value: string;
  change: number | null;
  /** Whether a rise is good news (sends) or bad news (bounces, cost). */
  higherIsBetter: boolean;
  hint?: string;
}

/** One headline number with its change against the previous period. */
export function KpiCard({ kpi, loading }: { kpi: Kpi; loading: boolean }) {
  const tone = kpi.change === null || kpi.change === 0 ? 'neutral' : (kpi.change > 0) === kpi.higherIsBetter ? 'good' : 'bad';
  return (
    <div className="kpi" data-testid={`kpi-${kpi.id}`} title={kpi.hint}>
      <div className="kpi-label">{kpi.label}</div>
      {loading ? (
        <Skeleton height={44} className="kpi-skeleton" />
      ) : (
        <>
          <div className="kpi-value" data-testid={`kpi-${kpi.id}-value`}>{kpi.value}</div>
          <div className={`kpi-change ${tone}`} aria-label={kpi.change === null ? 'no previous period to compare' : `${formatChange(kpi.change)} against the previous period`}>
            {formatChange(kpi.change)} <span className="muted">vs prior</span>
          </div>
        </>
      )}
    </div>
  );
}
