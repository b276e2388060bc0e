import type { ReactNode } from 'react';
import { Skeleton } from './Skeleton';

/** A titled panel for one chart or table; shows a skeleton of the same height while loading. */
export function ChartCard(props: { id: string; title: string; subtitle?: string; loading: boolean; height?: number; children: ReactNode; wide?: boolean }) {
  const { id, title, subtitle, loading, height = 260, children, wide } = props;
  return (
    <section className={`card${wide ? ' card-wide' : ''}`} aria-labelledby={`${id}-title`} aria-busy={loading} data-testid={id} data-loading={loading ? 'true' : 'false'}>
      <header className="card-header">
        <h2 id={`${id}-title`}>{title}</h2>
        {subtitle ? <p className="card-subtitle">{subtitle}</p> : null}
      </header>
      {loading ? <Skeleton height={height} /> : <div style={{ minHeight: height }}>{children}</div>}
    </section>
  );
}
