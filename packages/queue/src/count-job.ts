import { createHash } from 'node:crypto';
import { DEFAULT_TILE_MARGIN } from '@crowd/count';
import type { CountFileOptions, NodeCounterOptions } from '@crowd/count/node';

/** The BullMQ job name of every counting job. */
export const COUNT_JOB_NAME = 'count';

/**
 * What changes a count record, fixed when an image is queued: the same
 * flags `crowd count` takes. Folders are paths on the workers' machines
 * (shared storage): workers write the heat maps and densities there.
 */
export interface CountJobOptions {
  /** Shrink photos whose longest side is larger to this many pixels before counting (0: full size). @default the model's preprocessing (a registry model's `maxSide`), else full size */
  maxSide?: number;
  /** Estimate head positions. @default false */
  points?: boolean;
  /** Tile side in pixels (a multiple of 8). @default automatic, as `crowd count` */
  tile?: number;
  /** Context around each tile, in pixels. @default DEFAULT_TILE_MARGIN (144) */
  tileMargin?: number;
  /** Write `<dir>/<name>.heatmap.<format>`. */
  heatmap?: CountFileOptions['heatmap'];
  /** Write `<dir>/<name>.h5` (the 1/8 density). */
  densityDir?: string;
}

/** Where a worker finds the image: a path every worker can read (shared storage), or bytes kept in Redis beside the job. */
export type ImageSource = { kind: 'path'; path: string } | { kind: 'embedded'; bytes: number };

/** A counting job's data, as stored in Redis (plain JSON). */
export interface CountJobData {
  source: ImageSource;
  /** SHA-256 of the image's bytes (hex); the worker checks it before counting. */
  digest: string;
  /** The record's `image`: the path as it was given to `crowd queue add`, or the upload's name. */
  image: string;
  /** Names the outputs: `<heatmap dir>/<name>.heatmap.png` (the path below the folder it was found in, without extension). */
  name: string;
  /** The model, as an absolute path on the workers' machines or a registry id; absent: the worker's own model. */
  weights?: string;
  /** Back-end variant for a PyTorch checkpoint. */
  variant?: NodeCounterOptions['variant'];
  options: CountJobOptions;
}

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a job id is made of; `model` is the weights' content digest, or undefined for "the worker's --weights". */
export interface JobIdentity {
  digest: string;
  model: string | undefined;
  variant?: NodeCounterOptions['variant'];
  options: CountJobOptions;
}

/**
 * The stable id of counting an image: the first 128 bits of its content
 * digest, then a 64-bit digest of the model and every option that changes
 * the record, each with its default filled in (so `--tile-margin 144` and no
 * flag are the same job). The same bytes queued twice, from any path or
 * machine, are one job, which BullMQ adds once; `image-digest-config` never
 * looks like an integer and holds no `:`, as BullMQ requires.
 */
export function countJobId(identity: JobIdentity): string {
  const { options } = identity;
  const canonical = JSON.stringify({
    v: 1,
    model: identity.model ?? null,
    variant: identity.variant ?? null,
    maxSide: options.maxSide ?? null,
    points: options.points ?? false,
    tile: options.tile ?? null,
    tileMargin: options.tileMargin ?? DEFAULT_TILE_MARGIN,
    heatmap: options.heatmap === undefined ? null : [options.heatmap.dir, options.heatmap.format, options.heatmap.colourMap],
    density: options.densityDir ?? null,
  });
  return `${identity.digest.slice(0, 32)}-${sha256(canonical).slice(0, 16)}`;
}

/** The `countFile` options a job asks for; `modelMaxSide` (the model's preprocessing) applies when the job sets none. */
export function countFileOptions(options: CountJobOptions, modelMaxSide?: number): CountFileOptions {
  return {
    maxSide: options.maxSide ?? modelMaxSide,
    tile: options.tile,
    tileMargin: options.tileMargin,
    points: options.points ?? false,
    heatmap: options.heatmap,
    densityDir: options.densityDir,
  };
}
