'use client';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '@/lib/dashboard/format';
import { axisStyle, niceTicks } from './chart-theme';

/** Drop-off from one step to the next, as a fraction of the earlier step's sends. */
export function dropOffs(sequence: Array<{ step: number; sends: number }>) {
  return sequence.map((step, i) => {
    const before = i > 0 ? sequence[i - 1]?.sends ?? 0 : null;
    const drop = before === null || before === 0 ? null : (before - step.sends) / before;
    return { ...step, label: `Email ${step.step}`, drop, dropLabel: drop === null ? '' : `−${Math.round(drop * 100)}\u00a0%` };
  });
}

/** Sends per sequence step (email 1 to 5), with the drop-off between steps. */
export function SequenceChart({ sequence }: { sequence: Array<{ step: number; sends: number }> }) {
  const data = dropOffs(sequence);
  const ticks = niceTicks(Math.max(0, ...sequence.map((s) => s.sends)));
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={data} margin={{ top: 24, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis dataKey="label" tick={axisStyle} />
        <YAxis tickFormatter={(v: number) => formatCount(v)} tick={axisStyle} width={56} allowDecimals={false}
          ticks={ticks} domain={[0, ticks[ticks.length - 1] ?? 'auto']} />
        <Tooltip
          formatter={(value) => [formatCount(Number(value)), 'Sends']}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8 }}
        />
        <Bar dataKey="sends" name="Sends" fill="#4f7cff" radius={[4, 4, 0, 0]} isAnimationActive={false}>
          <LabelList dataKey="dropLabel" position="top" style={{ fontSize: 12, fill: 'var(--muted)' }} />
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
