'use client';
import { niceTicks } from '@/lib/charts/axis';
import { SERIES_COLORS } from '@/lib/charts/colors';
import { scaleY, stackedBarPaths } from '@/lib/charts/plot';
import { dropOffs, type SequenceStep } from '@/lib/charts/sequence';
import { formatCount } from '@/lib/dashboard/format';
import { ChartFrame, PLOT_HEIGHT } from './ChartFrame';
import { ChartTable } from './ChartTable';

/** Sends per step of the sequence (every step the answer lists), with the change from the step before. */
export function SequenceChart({ sequence }: { sequence: SequenceStep[] }) {
  const steps = dropOffs(sequence);
  const yTicks = niceTicks(Math.max(0, ...sequence.map((s) => s.sends)));
  const top = yTicks[yTicks.length - 1] ?? 1;
  const [bars] = stackedBarPaths([sequence.map((s) => s.sends)], top, PLOT_HEIGHT, -1, 0.3);
  const bands = Math.max(1, steps.length);
  const change = (s: (typeof steps)[number], i: number) =>
    s.dropLabel ? `${s.dropLabel} from email ${sequence[i - 1]?.step ?? ''}` : i > 0 ? `no change shown: email ${sequence[i - 1]?.step ?? ''} had no sends` : 'first email';
  return (
    <>
      <ChartFrame
        summary={`Sends per email of the sequence: ${steps.map((s) => `${s.label} ${formatCount(s.sends)}${s.dropLabel ? ` (${s.dropLabel})` : ''}`).join(', ')}.`}
        bands={bands} yTicks={yTicks} formatY={formatCount} headroom={18}
        xTicks={steps.map((s, i) => ({ index: i, label: i > 0 && steps.length > 6 ? String(s.step) : s.label, minor: steps.length > 6 && i % 2 === 1 }))}
        overlay={(
          <>
            {steps.map((s, i) => s.dropLabel ? (
              <span key={s.step} className={`chart-bar-label${s.drop !== null && s.drop < 0 ? ' growth' : ''}`}
                style={{ left: `${((i + 0.5) / bands) * 100}%`, top: `${scaleY(s.sends, top, 100)}%` }}>{s.dropLabel}</span>
            ) : null)}
          </>
        )}
        tooltip={(i) => {
          const s = steps[i];
          return s ? (
            <div className="chart-tooltip" data-testid="sequence-tooltip">
              <strong>{s.label}</strong>
              <dl><div><dt>Sends</dt><dd>{formatCount(s.sends)}</dd></div></dl>
              <span className="chart-tooltip-note">{change(s, i)}</span>
            </div>
          ) : null;
        }}
      >
        {bars?.full ? <path className="chart-bar" d={bars.full} style={{ fill: SERIES_COLORS.sends }} /> : null}
      </ChartFrame>
      <ChartTable caption="Sends per email of the sequence" columns={['Email', 'Sends', 'Change from the email before']}
        rows={() => steps.map((s, i) => ({ key: String(s.step), cells: [s.label, formatCount(s.sends), s.dropLabel || (i === 0 ? '' : '—')] }))} />
    </>
  );
}
