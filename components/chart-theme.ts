// Colours and axis helpers shared by the charts. Mid-tone colours read on light and dark.
export const SERIES_COLORS = {
  sends: '#4f7cff',
  opens: '#22a06b',
  clicks: '#e2a03f',
  replies: '#c154c1',
} as const;

export const PROVIDER_COLORS = ['#4f7cff', '#e2a03f', '#22a06b', '#c154c1', '#e5534b', '#3fb6c9', '#8c8cff', '#9a7b4f'];

/** Weekly ticks once a range is longer than a month, so long ranges stay readable. */
export function dayTicks(days: string[]): string[] | undefined {
  if (days.length <= 31) return undefined;
  const step = days.length <= 120 ? 7 : 28;
  return days.filter((_, i) => i % step === 0);
}

export const axisStyle = { fontSize: 12, fill: 'var(--muted)' } as const;

/** Round axis ticks from 0 (0, 100, 200, …), steps of 1, 2 or 5 × 10ⁿ; at most about five of them. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}
