import { expect, test } from 'vitest';
import { errorLine } from './error-line.ts';

test('errorLine: one line, repeated lines once, the path prepended unless the message has it', () => {
  const vips = new Error(
    'a.jpg: cannot decode it (VipsJpeg: premature end of JPEG image\nVipsJpeg: missing SOS marker\nVipsJpeg: premature end of JPEG image)'
  );
  expect(errorLine(vips, 'a.jpg')).toBe(
    'a.jpg: cannot decode it (VipsJpeg: premature end of JPEG image; VipsJpeg: missing SOS marker; VipsJpeg: premature end of JPEG image)'
  );
  expect(errorLine(new Error('x\nx\ny'), 'b.png')).toBe('b.png: x; y');
  expect(errorLine('plain', 'c.webp')).toBe('c.webp: plain');
});
