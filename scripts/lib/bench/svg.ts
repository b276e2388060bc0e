// A small dependency-free SVG line chart on log-log axes: latency against table size.
export interface Series {
  name: string;
  color: string;
  /** Dashed line, for a second series of the same colour. */
  dash?: boolean;
  points: Array<{ x: number; y: number }>;
}

const W = 760;
const H = 420;
const M = { top: 48, right: 180, bottom: 56, left: 72 };

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

const label = (v: number) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : v >= 1 ? String(v) : v.toString());
const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const ys = series.flatMap((s) => s.points.map((p) => Math.max(p.y, 0.01)));
  const xTicks = logTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = logTicks(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0] ?? 1), Math.log10(xTicks.at(-1) ?? 10)];
  const [y0, y1] = [Math.log10(yTicks[0] ?? 1), Math.log10(yTicks.at(-1) ?? 10)];
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((Math.log10(Math.max(y, 0.01)) - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" font-size="15" font-weight="600">${escape(title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${py(t) + 4}" text-anchor="end" fill="#555">${label(t)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#f0f1f3"/>`,
      `<text x="${px(t)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#555">${label(t)}</text>`);
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle" fill="#333">${escape(xLabel)}</text>`,
    `<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#333">${escape(yLabel)}</text>`);
  series.forEach((s, i) => {
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dash ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escape(s.name)}: ${p.y} ms at ${label(p.x)} events</title></circle>`);
    }
    const ly = M.top + 8 + i * 20;
    parts.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 30}" y1="${ly - 7}" y2="${ly - 7}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${W - M.right + 36}" y="${ly - 3}" fill="#222">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
