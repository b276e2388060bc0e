// Axes of the charts: round value ticks, which buckets get a label, and how a bucket (a day, a week
// or a month, named by its first day) reads on the axis and in a tooltip.

import { dateFormat, formatDay } from '@/lib/dashboard/format';
import type { DashboardInterval } from '@/lib/dashboard/response';

export type Interval = DashboardInterval;

/** A bucket's name as a column or button: Day, Week, Month. */
export const INTERVAL_LABEL: Record<Interval, string> = { day: 'Day', week: 'Week', month: 'Month' };

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

const TICK_STEPS: Record<Interval, number[]> = { day: [1, 2, 7, 14, 28, 56], week: [1, 2, 4, 8, 13], month: [1, 2, 3, 6] };
const MAX_TICKS = 10;

export interface BucketTick { index: number; label: string; /** Dropped on narrow screens (every other tick). */ minor: boolean }

/** At most ten labelled buckets, evenly spaced (a week apart past 20 days); every other one is minor. */
export function bucketTicks(days: string[], interval: Interval, locale?: string): BucketTick[] {
  const steps = TICK_STEPS[interval];
  const step = steps.find((s) => Math.ceil(days.length / s) <= MAX_TICKS) ?? Math.ceil(days.length / MAX_TICKS);
  const ticks: BucketTick[] = [];
  for (let index = 0; index < days.length; index += step) {
    const day = days[index] ?? '';
    ticks.push({ index, label: bucketLabel(day, interval, { locale, withYear: index === 0 }), minor: ticks.length % 2 === 1 });
  }
  return ticks;
}

/**
 * A bucket on the axis: "Nov 3" (a day, or the week starting then), "Nov" ("Jan 2026" in January
 * and on the first tick); in a tooltip (`long`): "Nov 3, 2025", "Week of Nov 3, 2025", "November 2025".
 */
export function bucketLabel(day: string, interval: Interval, options: { locale?: string; long?: boolean; withYear?: boolean } = {}): string {
  const { locale, long } = options;
  if (interval === 'month') {
    const date = new Date(`${day}T00:00:00Z`);
    const year = long || options.withYear || date.getUTCMonth() === 0;
    return dateFormat(locale, long ? 'long' : 'short', false, year).format(date);
  }
  const text = formatDay(day, { locale, year: long });
  return long && interval === 'week' ? `Week of ${text}` : text;
}

/** The index of the bucket holding `partialDay` (the day still filling), or -1. */
export function partialIndex(days: string[], partialDay: string | null | undefined): number {
  return partialDay ? days.findLastIndex((day) => day <= partialDay) : -1;
}
