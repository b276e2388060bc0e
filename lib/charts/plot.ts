// SVG path data for the charts, in the plot's viewBox: x in buckets (bucket i spans i..i+1), y from
// 0 at the top to `height` at the bottom. One path per series or layer keeps the markup small.
// Short numbers: a tenth of a unit is under half a pixel at the plot's sizes; ".5" for "0.5".
const num = (value: number) => String(Math.round(value * 10) / 10).replace(/^(-?)0\./, '$1.');

/** y of a value on a scale whose top tick is `top`. */
export const scaleY = (value: number, top: number, height: number) => height * (1 - (top > 0 ? value / top : 0));

/**
 * A line through the centre of each bucket. The segments into and out of the `partial` bucket (the
 * day still filling) go in `partial`, to be drawn dashed; the rest in `solid`.
 */
export function linePaths(values: number[], top: number, height: number, partial = -1): { solid: string; partial: string } {
  const points = values.map((value, i) => `${num(i + 0.5)} ${num(scaleY(value, top, height))}`);
  if (points.length === 1) {
    const y = num(scaleY(values[0] ?? 0, top, height));
    return partial === 0 ? { solid: '', partial: `M.2 ${y}H.8` } : { solid: `M.2 ${y}H.8`, partial: '' };
  }
  let solid = '';
  let dashed = '';
  let open = false;
  for (let i = 0; i + 1 < points.length; i++) {
    if (partial >= 0 && (i === partial || i + 1 === partial)) {
      dashed += `M${points[i]}L${points[i + 1]}`;
      open = false;
    } else {
      solid += open ? `L${points[i + 1]}` : `M${points[i]}L${points[i + 1]}`;
      open = true;
    }
  }
  return { solid, partial: dashed };
}

/**
 * Stacked bars: `layers[k][i]` is layer k's value in bucket i, stacked in layer order from zero.
 * One path per layer, and one per layer for the `partial` bucket (drawn apart, as partial).
 */
export function stackedBarPaths(layers: number[][], top: number, height: number, partial = -1, gap = 0.2): Array<{ full: string; partial: string }> {
  const buckets = Math.max(0, ...layers.map((layer) => layer.length));
  const base = new Array<number>(buckets).fill(0);
  return layers.map((layer) => {
    let full = '';
    let part = '';
    layer.forEach((value, i) => {
      const below = base[i] ?? 0;
      base[i] = below + value;
      if (!(value > 0)) return;
      const y = scaleY(below + value, top, height);
      const bar = `M${num(i + gap / 2)} ${num(y)}h${num(1 - gap)}v${num(scaleY(below, top, height) - y)}h${num(gap - 1)}z`;
      if (i === partial) part += bar;
      else full += bar;
    });
    return { full, partial: part };
  });
}
