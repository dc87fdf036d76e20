import { expect, test } from 'vitest';
import { heatmapLayout } from './heatmap-layout.ts';

test('heatmapLayout: a legend band under the photo, scaled with the width; narrow photos get a 360-px canvas', () => {
  expect(heatmapLayout(96, 64)).toEqual({ width: 360, height: 105, bandTop: 64, bandHeight: 41, unit: 12 });
  expect(heatmapLayout(1024, 768)).toEqual({ width: 1024, height: 856, bandTop: 768, bandHeight: 88, unit: 26 });
  expect(heatmapLayout(4000, 3000)).toEqual({ width: 4000, height: 3218, bandTop: 3000, bandHeight: 218, unit: 64 });
});
