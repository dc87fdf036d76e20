import { describe, expect, test } from 'vitest';
import { patchWindow } from './crop-window.js';
import { TrainError } from './errors.js';

describe('patchWindow', () => {
  test("nine-patch quarters: half the height and width, at the image's corners", () => {
    const quarters = ([[0, 0], [0, 1], [1, 0], [1, 1]] as const).map(([row, col]) => patchWindow({ kind: 'quarter', row, col }, 240, 320, 'nine-patch'));
    expect(quarters).toEqual([
      { top: 0, left: 0, height: 120, width: 160 },
      { top: 0, left: 160, height: 120, width: 160 },
      { top: 120, left: 0, height: 120, width: 160 },
      { top: 120, left: 160, height: 120, width: 160 },
    ]);
    // Odd sizes (the 347×261 fixture image): ⌊H/2⌋ × ⌊W/2⌋ windows whose union is the whole image.
    expect(patchWindow({ kind: 'quarter', row: 1, col: 1 }, 261, 347, 'nine-patch')).toEqual({ top: 131, left: 174, height: 130, width: 173 });
    expect(patchWindow({ kind: 'quarter', row: 0, col: 0 }, 261, 347, 'nine-patch')).toEqual({ top: 0, left: 0, height: 130, width: 173 });
  });

  test('random windows reach every offset from 0 to H − h and W − w', () => {
    expect(patchWindow({ kind: 'random', u: 0, v: 0 }, 240, 320, 'nine-patch')).toEqual({ top: 0, left: 0, height: 120, width: 160 });
    expect(patchWindow({ kind: 'random', u: 0.999999, v: 0.999999 }, 240, 320, 'nine-patch')).toEqual({ top: 120, left: 160, height: 120, width: 160 });
    expect(patchWindow({ kind: 'random', u: 0.5, v: 0.25 }, 300, 400, { height: 64, width: 96 })).toEqual({ top: 118, left: 76, height: 64, width: 96 });
    expect(patchWindow({ kind: 'full' }, 300, 400, 'full')).toEqual({ top: 0, left: 0, height: 300, width: 400 });
  });

  test('an image smaller than the crop, or a window under 8 pixels, is a DATA_INVALID error', () => {
    expect(() => patchWindow({ kind: 'random', u: 0, v: 0 }, 60, 400, { height: 64, width: 64 }, 'a.jpg')).toThrow(
      new TrainError('DATA_INVALID', 'expected an image of at least 64×64 (H×W) for the crop, found 60×400', { file: 'a.jpg' }),
    );
    expect(() => patchWindow({ kind: 'quarter', row: 0, col: 0 }, 14, 400, 'nine-patch', 'b.jpg')).toThrow(
      'b.jpg: expected training windows of at least 8×8 pixels (CSRNet\'s output stride), found 7×200',
    );
  });
});
