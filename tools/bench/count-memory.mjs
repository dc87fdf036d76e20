#!/usr/bin/env node
// Time and memory of `crowd count` on large photos and on many small ones, run
// through the BUILT CLI as a user would (build first: `npm run build`).
//
//   node tools/bench/count-memory.mjs [--images=200] [--full]
//
// 1. A 4000×3000 JPEG (12 MP, tiled automatically: > 2 MP) with the ÷8 fixture
//    checkpoint, without and with --heatmap --points.
// 2. Baseline in the same run: a 1600×1200 JPEG (1.92 MP, fits untiled) counted
//    untiled and with --tile 1024, for the cost of tiling.
// 3. N small images (320×240 and 400×300) in one process: RSS after the first
//    image and after the last, to show memory stays flat.
// --full adds the full-width CSRNet (16.3 M parameters, the fixture formula
// weights) on the 1600×1200 photo, untiled and tiled (the 2-megapixel budget's
// peak memory on wasm, whose heap is 32-bit: 4 GB), and on a 3200×2400 photo
// in 12 tiles (memory does not grow with the number of tiles). About 7 minutes.
//
// Peak RSS is the child's own `process.resourceUsage().maxRSS`, reported by a
// preload module at exit; the RSS series samples `process.memoryUsage().rss`
// after each result line. The CLI itself has no measuring code.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { formulaWeights } from '../test-utils/src/formula-weights.mjs';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error(`the CLI is not built (${cli} is missing); run \`npm run build\` first`);
  process.exit(1);
}
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const smallImages = Number(args.images ?? 200);
const fixtures = join(root, 'tools', 'fixtures');
const weights = join(fixtures, 'csrnet', 'zip', 'model_best.pth.tar');
const work = mkdtempSync(join(os.tmpdir(), 'crowd-count-bench-'));

const preload = join(work, 'measure.mjs');
writeFileSync(
  preload,
  `const rss = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const result = write(chunk, ...rest);
  if (String(chunk).endsWith('\\n')) rss.push(process.memoryUsage().rss);
  return result;
};
process.on('exit', () => process.stderr.write('\\nCROWD_BENCH ' + JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, rss }) + '\\n'));
`
);

/** Runs `crowd …args`; returns wall seconds, stdout lines, peak RSS (MiB) and the RSS series (MiB). */
function crowd(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, cli, ...argv], { env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const marker = /CROWD_BENCH (.*)/.exec(stderr);
      if (code !== 0 || marker === null) return reject(new Error(`crowd ${argv.join(' ')} exited ${code}:\n${stderr}`));
      const { maxRssKiB, rss } = JSON.parse(marker[1]);
      const lines = stdout.trim().split('\n');
      resolve({ seconds, lines, peakMiB: maxRssKiB / 1024, rssMiB: rss.map((b) => b / 2 ** 20) });
    });
  });
}

async function photo(width, height, path) {
  // A mini ShanghaiTech photo scaled up, so the model sees image-like content.
  await sharp(join(fixtures, 'shanghaitech-mini', 'part_A', 'test_data', 'images', 'IMG_2.jpg'))
    .resize(width, height, { fit: 'fill' })
    .jpeg({ quality: 90 })
    .toFile(path);
  return path;
}

const mib = (v) => `${v.toFixed(0)} MiB`;
const row = (label, r, extra = '') => {
  const json = JSON.parse(r.lines.at(-1));
  console.log(
    `${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s  tiles ${String(json.tiles).padStart(3)}  peak RSS ${mib(r.peakMiB).padStart(
      9
    )}  count ${json.count.toFixed(1)}${extra}`
  );
  return { ...r, json };
};

console.log(
  `crowd count memory bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`
);
console.log(`model: ÷8 fixture checkpoint (${weights.slice(root.length + 1)}), backend wasm\n`);

try {
  const big = await photo(4000, 3000, join(work, 'big-4000x3000.jpg'));
  const mid = await photo(1600, 1200, join(work, 'mid-1600x1200.jpg'));
  const base = ['count', '--weights', weights, '--backend', 'wasm', '--json'];

  const midUntiled = row('1600×1200 untiled (baseline)', await crowd([...base, mid]));
  const midTiled = row('1600×1200 --tile 1024', await crowd([...base, mid, '--tile', '1024']));
  const bigAuto = row('4000×3000 auto tiles (1024 px, margin 144)', await crowd([...base, big]));
  const heat = join(work, 'heat');
  const bigHeat = row('4000×3000 + --heatmap --points', await crowd([...base, big, '--heatmap', heat, '--points']));
  const mp = (w, h) => (w * h) / 1e6;
  console.log(`\nratios (same run):`);
  console.log(
    `  tiling 1600×1200: time ×${(midTiled.seconds / midUntiled.seconds).toFixed(2)}, peak RSS ×${(midTiled.peakMiB / midUntiled.peakMiB).toFixed(
      2
    )}, count Δ ${(midTiled.json.count - midUntiled.json.count).toExponential(2)}`
  );
  console.log(
    `  4000×3000 (6.25× the pixels) vs 1600×1200 untiled: time ×${(bigAuto.seconds / midUntiled.seconds).toFixed(2)}, peak RSS ×${(
      bigAuto.peakMiB / midUntiled.peakMiB
    ).toFixed(2)}; ${(mp(4000, 3000) / bigAuto.seconds).toFixed(2)} vs ${(mp(1600, 1200) / midUntiled.seconds).toFixed(2)} MP/s`
  );
  console.log(
    `  heatmap + points on 4000×3000: time ×${(bigHeat.seconds / bigAuto.seconds).toFixed(2)}, peak RSS ×${(bigHeat.peakMiB / bigAuto.peakMiB).toFixed(2)}`
  );

  const many = join(work, 'many');
  mkdirSync(many);
  const sources = [
    ['part_A', 'test_data', 'IMG_1.jpg'],
    ['part_A', 'test_data', 'IMG_2.jpg'],
    ['part_B', 'train_data', 'IMG_3.jpg'],
    ['part_A', 'train_data', 'IMG_3.jpg'],
  ];
  for (let i = 0; i < smallImages; i++) {
    const [part, split, name] = sources[i % sources.length];
    copyFileSync(join(fixtures, 'shanghaitech-mini', part, split, 'images', name), join(many, `img_${String(i).padStart(4, '0')}.jpg`));
  }
  const small = await crowd(['count', many, '--weights', weights, '--backend', 'wasm']);
  const at = (n) => small.rssMiB[Math.min(n, small.rssMiB.length) - 1];
  console.log(`\n${small.lines.length} small images (320×240 to 400×300) in one process: ${small.seconds.toFixed(2)} s, peak RSS ${mib(small.peakMiB)}`);
  console.log(
    `  RSS after image 1: ${mib(at(1))}, 10: ${mib(at(10))}, ${Math.floor(smallImages / 2)}: ${mib(at(Math.floor(smallImages / 2)))}, ${smallImages}: ${mib(
      at(smallImages)
    )}`
  );
  console.log(
    `  end ÷ after image 10: ×${(at(smallImages) / at(10)).toFixed(3)} (${(((at(smallImages) - at(10)) / (smallImages - 10)) * 1024).toFixed(1)} KiB per image)`
  );

  if ('full' in args) {
    const formula = await import(pathToFileURL(join(root, 'packages', 'csrnet', 'dist', 'index.js')).href);
    const node = await import(pathToFileURL(join(root, 'packages', 'csrnet', 'dist', 'node', 'index.js')).href);
    await node.selectBackend('cpu');
    const fullDir = join(work, 'full-width');
    const model = formula.createCsrnet({}, { kind: 'weights', weights: formulaWeights() });
    await formula.saveCsrnet(model, node.fileSystemHandler(fullDir));
    model.dispose();
    const fullBase = ['count', '--weights', fullDir, '--backend', 'wasm', '--json'];
    console.log('\nfull-width CSRNet (formula weights, 16,263,489 parameters):');
    const fu = row('1600×1200 untiled (at the 2 MP budget)', await crowd([...fullBase, mid]));
    const ft = row('1600×1200 --tile 1024', await crowd([...fullBase, mid, '--tile', '1024']));
    console.log(
      `  tiling: time ×${(ft.seconds / fu.seconds).toFixed(2)}, peak RSS ×${(ft.peakMiB / fu.peakMiB).toFixed(2)}, count Δ ${(
        ft.json.count - fu.json.count
      ).toExponential(2)}`
    );
    const fb = row('3200×2400 auto tiles', await crowd([...fullBase, await photo(3200, 2400, join(work, 'full-3200x2400.jpg'))]));
    console.log(
      `  ${fb.json.tiles} tiles vs ${ft.json.tiles}: peak RSS ×${(fb.peakMiB / ft.peakMiB).toFixed(2)}, time per tile ${(fb.seconds / fb.json.tiles).toFixed(
        1
      )} s vs ${(ft.seconds / ft.json.tiles).toFixed(1)} s`
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
