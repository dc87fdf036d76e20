import { describe, expect, test } from 'vitest';
import { csvField, formatRecord, headerLine, textField, type CountRecord } from './count-record.ts';

const record: CountRecord = { image: 'photos/a b.jpg', count: 12.3456789, width: 640, height: 480, tiles: 1 };
const none = { points: false, heatmap: false, density: false };
const all = { points: true, heatmap: true, density: true };
const full: CountRecord = { ...record, points: Float64Array.of(4, 4, 316.256, 236.004), heatmap: 'out/a b.heatmap.png', density: 'd/a b.h5' };

describe('count output lines', () => {
  test('text: path, a tab, the count to 2 decimals; no header', () => {
    expect(headerLine('text', none)).toBeUndefined();
    expect(formatRecord(record, 'text', none)).toBe('photos/a b.jpg\t12.35');
  });

  test('text: a name with a tab, a line break or another control character is a JSON string, so the line keeps one tab', () => {
    expect(textField('C:\\photos\\a b.jpg')).toBe('C:\\photos\\a b.jpg');
    expect(textField('two\nlines.jpg')).toBe('"two\\nlines.jpg"');
    expect(textField('tab\there.jpg')).toBe('"tab\\there.jpg"');
    expect(textField('bell\u0007.jpg')).toBe('"bell\\u0007.jpg"');
    expect(textField('"quoted".jpg')).toBe('"\\"quoted\\".jpg"');
    const line = formatRecord({ ...record, image: 'a\tb\nc.jpg' }, 'text', none);
    expect(line.split('\t')).toHaveLength(2);
    expect(line.split('\n')).toHaveLength(1);
    expect(JSON.parse(line.split('\t')[0])).toBe('a\tb\nc.jpg');
  });

  test('warnings: JSON lists their messages, CSV their codes; none, no field', () => {
    const warned: CountRecord = { ...record, count: -2, warnings: [{ code: 'NEGATIVE_COUNT', message: 'the density sums to -2.00 people' }] };
    expect(JSON.parse(formatRecord(warned, 'json', none)).warnings).toEqual(['the density sums to -2.00 people']);
    expect(JSON.parse(formatRecord(record, 'json', none))).not.toHaveProperty('warnings');
    expect(formatRecord(warned, 'csv', none)).toBe('photos/a b.jpg,-2,640,480,1,NEGATIVE_COUNT');
  });

  test('json: full-precision count, points as [x, y] pairs to 0.01 px, output paths only when written', () => {
    expect(JSON.parse(formatRecord(record, 'json', none))).toEqual({ image: 'photos/a b.jpg', count: 12.3456789, width: 640, height: 480, tiles: 1 });
    expect(JSON.parse(formatRecord(full, 'json', all))).toEqual({
      image: 'photos/a b.jpg',
      count: 12.3456789,
      width: 640,
      height: 480,
      tiles: 1,
      points: [
        [4, 4],
        [316.26, 236],
      ],
      heatmap: 'out/a b.heatmap.png',
      density: 'd/a b.h5',
    });
  });

  test('csv: a header fixed by the options, then one row per image (the number of points as points)', () => {
    expect(headerLine('csv', none)).toBe('image,count,width,height,tiles,warnings');
    expect(headerLine('csv', all)).toBe('image,count,width,height,tiles,points,heatmap,density,warnings');
    expect(formatRecord(full, 'csv', all)).toBe('photos/a b.jpg,12.3456789,640,480,1,2,out/a b.heatmap.png,d/a b.h5,');
    expect(formatRecord(record, 'csv', { points: true, heatmap: false, density: false })).toBe('photos/a b.jpg,12.3456789,640,480,1,0,');
  });

  test('csv quoting (RFC 4180): commas, quotes and line breaks', () => {
    expect(csvField('plain.jpg')).toBe('plain.jpg');
    expect(csvField('a,b.jpg')).toBe('"a,b.jpg"');
    expect(csvField('say "hi".jpg')).toBe('"say ""hi"".jpg"');
    expect(csvField('two\nlines.jpg')).toBe('"two\nlines.jpg"');
    expect(csvField(1.5)).toBe('1.5');
  });
});
