// Period-over-period comparison, like for like. A range that ends today holds a day still filling:
// comparing it with a complete period would always lean negative. So the change of every figure
// compares the range's complete days with the same number of days just before (the API's
// compare=previous answers both summaries in one call); the page says which days those are.
// Counts change in percent of the earlier period; rates in percentage points (a reply rate from
// 2.0 % to 2.5 % is +0.5 pp, not +25 %).
import { formatChange, formatDay, formatPointChange, periodChange } from './format';
import type { Comparison } from './response';

export type { Comparison } from './response';

export interface Change {
  /** The signed size of the change as shown (to a tenth of a percent or point): a fraction of the earlier value, or of sends. */
  value: number;
  text: string;
}

/** To the precision on screen, so a change shown as ± 0.0 is no change (neither good nor bad news). */
const shown = (value: number) => Math.round(value * 1000) / 1000 || 0;

/** A count's change in percent of the earlier period; none when the earlier period had nothing. */
export function countChange(current: number | null, previous: number | null): Change | null {
  const change = periodChange(current, previous);
  if (change === null) return null;
  const value = shown(change);
  return { value, text: formatChange(value) };
}

/** A rate's change in percentage points; none when either period had no sends. */
export function rateChange(current: number | null, previous: number | null): Change | null {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return null;
  const value = shown(current - previous);
  return { value, text: formatPointChange(value) };
}

const span = (period: { from: string; to: string }, locale?: string) =>
  period.from === period.to
    ? formatDay(period.from, { year: true, locale })
    : `${formatDay(period.from, { locale })} – ${formatDay(period.to, { year: true, locale })}`;

/** What the changes on screen compare, in words. */
export function comparisonNote(comparison: Comparison | null, range: { from: string; to: string }, locale?: string): string {
  if (comparison === null) return 'No change shown: the range has no complete day yet to compare.';
  const note = `Changes compare ${span(comparison.current, locale)} with ${span(comparison.previous, locale)}`;
  if (comparison.partial_day === null) return `${note}.`;
  const after = range.to > comparison.partial_day ? ', as are the days after it' : '';
  return `${note} (today is still filling and is left out${after}).`;
}
