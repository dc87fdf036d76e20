#!/usr/bin/env node
// The README's main job on the bundled sample data, end to end in a few minutes
// on a laptop CPU: a fresh copy of the mini ShanghaiTech tree (images and
// annotations only) gets its density maps (`crowd prepare`), a small CSRNet
// (channels ÷ 8) trains on Part A for a few epochs (`crowd train`), the best
// model is evaluated on Part A's test split (`crowd eval`) and counts a sample
// photo into a heat-map picture (`crowd count`).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'out', 'quickstart');
const data = join(outDir, 'shanghaitech-mini');
const cli = join(root, 'apps', 'trainer', 'dist', 'cli.js');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
cpSync(join(root, 'tools', 'fixtures', 'shanghaitech-mini'), data, {
  recursive: true,
  filter: (source) => extname(source) !== '.h5',
});

function crowd(...args) {
  console.log(`\n$ crowd ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

const rel = (path) => relative(root, path);
const partA = join(data, 'part_A');
const run = join(outDir, 'train');
const best = join(run, 'best');
const sample = join(partA, 'test_data', 'images', 'IMG_1.jpg');
const heatmaps = join(outDir, 'heatmaps');

crowd('prepare', rel(data));
// Without ImageNet VGG-16 weights (see `--init-frontend`), a small model learns from scratch with
// He-normal init and Adam on full images; the reference's N(0, 0.01) init learns only a constant here.
crowd('train', rel(partA), '--out', rel(run), '--width-divisor', '8', '--init-scheme', 'he', '--optimizer', 'adam', '--lr', '3e-4', '--epochs', '15', '--no-augment');
crowd('eval', '--weights', rel(best), '--data', rel(join(partA, 'test_data')));
crowd('count', rel(sample), '--weights', rel(best), '--heatmap', rel(heatmaps), '--points');

console.log(`
Outputs:
  density maps   ${rel(data)}/part_{A,B}/{train,test}_data/ground-truth/IMG_n.h5
  checkpoint     ${rel(join(run, 'checkpoint'))}/   (crowd train … --resume continues it)
  best model     ${rel(best)}/   (tfjs model.json + weights.bin; loads in Node and the browser)
  training log   ${rel(join(run, 'log.jsonl'))}
  loss/MAE curve ${rel(join(run, 'curve.png'))}
  heat map       ${rel(join(heatmaps, 'IMG_1.heatmap.png'))}`);
