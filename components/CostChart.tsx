'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDay, formatUsd, formatUsdTick } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';
import { axisStyle, dayTicks, PROVIDER_COLORS } from './chart-theme';

/** LLM cost per day, stacked by provider. */
export function CostChart({ timeseries, locale }: { timeseries: TimeseriesPoint[]; locale?: string }) {
  const providers = [...new Set(timeseries.flatMap((d) => Object.keys(d.cost_by_provider)))].sort();
  const data = timeseries.map((d) => ({ day: d.day, ...d.cost_by_provider }));
  const ticks = dayTicks(timeseries.map((d) => d.day));
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="var(--grid)" vertical={false} />
        <XAxis dataKey="day" ticks={ticks} tickFormatter={(day: string) => formatDay(day, { locale })} tick={axisStyle} minTickGap={16} />
        <YAxis tickFormatter={(v: number) => formatUsdTick(v)} tick={axisStyle} width={64} />
        <Tooltip
          labelFormatter={(day) => formatDay(String(day), { year: true, locale })}
          formatter={(value, name) => [formatUsd(Number(value)), String(name)]}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 8 }}
        />
        <Legend wrapperStyle={{ fontSize: 13 }} />
        {providers.map((provider, i) => (
          <Bar key={provider} dataKey={provider} name={provider} stackId="cost" fill={PROVIDER_COLORS[i % PROVIDER_COLORS.length]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
