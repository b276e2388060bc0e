// Axes of the charts: round value ticks, which buckets get a label, and how a bucket (a day, a week
// or a month, named by its first day) reads on the axis and in a tooltip.

export type Interval = 'day' | 'week' | 'month';

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
  const date = new Date(`${day}T00:00:00Z`);
  if (interval === 'month') {
    const year = long || options.withYear || date.getUTCMonth() === 0;
    return dateFormat(locale, long ? 'long' : 'short', false, year).format(date);
  }
  // As formatDay (lib/dashboard/format) writes a day, with the formatter kept: the server draws
  // every axis label, and a new formatter per label cost more than the rest of the chart.
  const text = dateFormat(locale, 'short', true, Boolean(long)).format(date);
  return long && interval === 'week' ? `Week of ${text}` : text;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string | undefined, month: 'short' | 'long', day: boolean, year: boolean): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${month}|${day}|${year}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { month, day: day ? 'numeric' : undefined, year: year ? 'numeric' : undefined, timeZone: 'UTC' });
    formatters.set(key, format);
  }
  return format;
}

/** The index of the bucket holding `partialDay` (the day still filling), or -1. */
export function partialIndex(days: string[], partialDay: string | null | undefined): number {
  if (!partialDay) return -1;
  let found = -1;
  days.forEach((day, i) => {
    if (day <= partialDay) found = i;
  });
  return found;
}
