import { describe, expect, test } from 'vitest';
import { heatmapLayout } from './heatmap-layout.ts';
import { heatmapSvg } from './heatmap-svg.ts';

describe('heatmapSvg', () => {
  const layout = heatmapLayout(400, 300);

  test('the canvas size, the count, the colour bar from 0 to vmax with 17 stops, and no circles without points', () => {
    const svg = heatmapSvg(layout, { count: 123.456, vmax: 0.3149, clamped: false, colourMap: 'viridis' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="400" height="341">/);
    expect(svg).toContain('>count 123.5</text>');
    expect(svg).toContain('>0.315</text>');
    expect(svg).toContain('<stop offset="0" stop-color="rgb(68,1,84)"/>');
    expect(svg).toContain('<stop offset="1" stop-color="rgb(253,231,37)"/>');
    expect(svg.match(/<stop /g)).toHaveLength(17);
    expect(svg).not.toContain('<circle');
  });

  test('one circle per point, at its image coordinates, the number of points, and "+" on a clamped scale', () => {
    const svg = heatmapSvg(layout, { count: 2, vmax: 1, clamped: true, colourMap: 'turbo', points: Float64Array.of(4, 4, 316.25, 236) });
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('<circle cx="316.3" cy="236.0" r="3"/>');
    expect(svg).toContain('CSRNet · 2 points');
    expect(svg).toContain('>1+</text>');
  });
});
