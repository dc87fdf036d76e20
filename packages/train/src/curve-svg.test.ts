import { expect, test } from 'vitest';
import { curveSvg } from './curve-svg.js';

test('curveSvg: two labelled panels, one point per epoch, the best epoch marked', () => {
  const svg = curveSvg([
    { epoch: 1, loss: 80, valMae: 40 },
    { epoch: 2, loss: 50, valMae: 22.5 },
    { epoch: 3, loss: 45, valMae: 30 },
  ]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400"')).toBe(true);
  expect(svg).toContain('>CSRNet training</text>');
  expect(svg).toContain('>3 epochs, best val MAE 22.5 at epoch 2</text>');
  expect(svg).toContain('>train loss (sum of squared errors per example)</text>');
  expect(svg).toContain('>validation MAE (heads per image)</text>');
  expect(svg.match(/>epoch<\/text>/g)).toHaveLength(2);
  expect(svg.match(/<polyline /g)).toHaveLength(2);
  expect(svg.match(/<circle [^>]*r="3"/g)).toHaveLength(6);
  expect(svg.match(/<circle [^>]*r="7"/g)).toHaveLength(1);
  // Loss axis 0…80 in steps of 20, MAE axis 0…40 in steps of 10.
  for (const tick of ['20', '40', '60', '80']) expect(svg).toContain(`text-anchor="end" font-weight="normal" fill="#222">${tick}</text>`);
});

test('curveSvg before any epoch finished: empty axes and a note', () => {
  const svg = curveSvg([], 'run <a>');
  expect(svg).toContain('>run &lt;a&gt;</text>');
  expect(svg).toContain('>no finished epochs yet</text>');
  expect(svg).not.toContain('<polyline');
});
