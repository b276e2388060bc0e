'use client';
import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatDay } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';
import { axisStyle, dayTicks, SERIES_COLORS } from './chart-theme';
import { DayTooltip } from './DayTooltip';

const SERIES = [
  { key: 'sends', label: 'Sends' },
  { key: 'opens', label: 'Opens' },
  { key: 'clicks', label: 'Clicks' },
  { key: 'replies', label: 'Replies' },
] as const;
type SeriesKey = (typeof SERIES)[number]['key'];

/** Sends, opens, clicks and replies per day; the legend's buttons hide or show a series. */
export function TrendChart({ timeseries, locale }: { timeseries: TimeseriesPoint[]; locale?: string }) {
  const [hidden, setHidden] = useState<Set<SeriesKey>>(new Set());
  const toggle = (key: SeriesKey) =>
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const ticks = dayTicks(timeseries.map((d) => d.day));
  return (
    <>
      <div className="series-toggles" role="group" aria-label="Legend: click a series to hide or show it">
        {SERIES.map((s) => (
          <button key={s.key} type="button" aria-pressed={!hidden.has(s.key)} onClick={() => toggle(s.key)}
            style={{ ['--swatch' as string]: SERIES_COLORS[s.key] }}>
            {s.label}
          </button>
        ))}
      </div>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={timeseries} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="day" ticks={ticks} tickFormatter={(day: string) => formatDay(day, { locale })} tick={axisStyle} minTickGap={16} />
          <YAxis tickFormatter={(v: number) => formatCount(v)} tick={axisStyle} width={56} allowDecimals={false} />
          <Tooltip content={({ label }) => <DayTooltip point={timeseries.find((d) => d.day === label)} locale={locale} />} />
          {SERIES.map((s) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={SERIES_COLORS[s.key]} strokeWidth={2}
              dot={false} hide={hidden.has(s.key)} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
