// Chart colours: the Okabe–Ito palette, whose eight colours stay apart under the common colour-vision
// deficiencies. Each slot is a CSS variable (app/globals.css) with a shade for the light and one for
// the dark scheme, each at least 3:1 against its panel, so marks read on both.
export const PALETTE_SIZE = 8;

/** The CSS colour of a palette slot (0-based). */
const paletteColor = (slot: number) => `var(--chart-${(slot % PALETTE_SIZE) + 1})`;

export const SERIES_COLORS = {
  sends: paletteColor(0), // blue
  opens: paletteColor(1), // orange
  clicks: paletteColor(2), // bluish green
  replies: paletteColor(3), // reddish purple
} as const;

// The providers people know keep the colours they are known by; any other provider gets one of the
// remaining slots from a hash of its name, so a colour depends on the name alone: not on the sort
// order, nor on which other providers are in the range.
const PINNED: Readonly<Record<string, number>> = { google: 0, mistral: 1, openai: 2, anthropic: 4 };
const FREE_SLOTS = [3, 5, 6, 7] as const;

export function providerSlot(provider: string): number {
  const name = provider.trim().toLowerCase();
  const pinned = PINNED[name];
  if (pinned !== undefined) return pinned;
  let hash = 2166136261; // FNV-1a
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619) >>> 0;
  return FREE_SLOTS[hash % FREE_SLOTS.length] ?? FREE_SLOTS[0];
}

export const providerColor = (provider: string) => paletteColor(providerSlot(provider));
