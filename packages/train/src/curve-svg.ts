/** What the curve shows per epoch (an `EpochRecord` has these fields). */
export interface CurvePoint {
  epoch: number;
  loss: number;
  valMae: number;
}

const WIDTH = 960;
const HEIGHT = 400;
const PANEL = { top: 70, bottom: 56, left: 78, right: 24 };
const COLORS = { loss: '#1f77b4', mae: '#d62728', axis: '#333', grid: '#e3e3e3', text: '#222' };

/**
 * The training curve as an SVG document: train loss per epoch (left panel)
 * and validation MAE per epoch (right, best epoch marked), with labelled
 * axes and a title. Pure string building, so it runs anywhere; the Node side
 * rasterises it to PNG.
 */
export function curveSvg(points: readonly CurvePoint[], title = 'CSRNet training'): string {
  const best = points.reduce<CurvePoint | undefined>((b, p) => (b === undefined || p.valMae < b.valMae ? p : b), undefined);
  const subtitle = best === undefined ? 'no finished epochs yet' : `${points.length} epoch${points.length === 1 ? '' : 's'}, best val MAE ${format(best.valMae)} at epoch ${best.epoch}`;
  const half = WIDTH / 2;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(WIDTH / 2, 26, escape(title), 18, 'middle', 'bold'),
    text(WIDTH / 2, 46, escape(subtitle), 13, 'middle'),
    panel(0, half, points.map((p) => [p.epoch, p.loss]), 'train loss (sum of squared errors per example)', COLORS.loss),
    panel(half, half, points.map((p) => [p.epoch, p.valMae]), 'validation MAE (heads per image)', COLORS.mae, best === undefined ? undefined : [best.epoch, best.valMae]),
    '</svg>',
  ];
  return parts.join('\n');
}

function panel(x0: number, width: number, series: Array<[number, number]>, label: string, color: string, mark?: [number, number]): string {
  const left = x0 + PANEL.left;
  const right = x0 + width - PANEL.right;
  const top = PANEL.top;
  const bottom = HEIGHT - PANEL.bottom;
  const finite = series.filter(([, y]) => Number.isFinite(y));
  const xs = ticks(1, Math.max(1, ...finite.map(([x]) => x)), true);
  const ys = ticks(Math.min(0, ...finite.map(([, y]) => y)), Math.max(...finite.map(([, y]) => y), 1e-12), false);
  const [xMin, xMax] = [xs[0], xs[xs.length - 1]];
  const [yMin, yMax] = [ys[0], ys[ys.length - 1]];
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (right - left);
  const py = (y: number) => bottom - ((y - yMin) / (yMax - yMin || 1)) * (bottom - top);
  const out: string[] = [];
  for (const y of ys) {
    out.push(`<line x1="${left}" x2="${right}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="${COLORS.grid}"/>`);
    out.push(text(left - 6, py(y) + 4, format(y), 11, 'end'));
  }
  for (const x of xs) out.push(text(px(x), bottom + 16, String(x), 11, 'middle'));
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="${COLORS.axis}"/>`);
  out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="${COLORS.axis}"/>`);
  out.push(text((left + right) / 2, bottom + 38, 'epoch', 12, 'middle'));
  out.push(text((left + right) / 2, top - 8, escape(label), 13, 'middle', 'bold'));
  if (finite.length > 1) {
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${finite.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
  }
  if (finite.length <= 60) for (const [x, y] of finite) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
  if (mark !== undefined && Number.isFinite(mark[1])) {
    out.push(`<circle cx="${px(mark[0]).toFixed(1)}" cy="${py(mark[1]).toFixed(1)}" r="7" fill="none" stroke="${COLORS.axis}" stroke-width="2"/>`);
  }
  return out.join('\n');
}

/** Round tick values (1, 2 or 5 × 10ⁿ apart) covering [min, max]; whole numbers only for `integer` axes. */
function ticks(min: number, max: number, integer: boolean): number[] {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step) * step;
  const out: number[] = [];
  for (let v = first; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  if (out.length < 2) out.push(Number((first + step).toPrecision(12)));
  return out;
}

function format(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(4)).toString();
}

function text(x: number, y: number, content: string, size: number, anchor: 'start' | 'middle' | 'end', weight = 'normal'): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" font-weight="${weight}" fill="${COLORS.text}">${content}</text>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
