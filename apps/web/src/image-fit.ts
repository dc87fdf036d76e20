/** Side lengths the photo and camera paths offer for the network input. */
export const MAX_SIDE_CHOICES = [512, 768, 1024, 1536, 2048] as const;
export const DEFAULT_MAX_SIDE = 1024;

/** The network needs at least one density cell: three 2×2 pools, so 8 px a side. */
export const MIN_SIDE = 8;

export interface FittedSize {
  width: number;
  height: number;
  /** Whether the image was made smaller. */
  downscaled: boolean;
}

/**
 * The size an image is run at: unchanged if its longer side is at most
 * `maxSide`, else scaled down (aspect kept, rounded) so that it is.
 * Inference time and memory grow with the pixel count, and CSRNet's
 * density cells are 8 px anyway.
 */
export function fitWithin(width: number, height: number, maxSide: number): FittedSize {
  if (!(width > 0 && height > 0)) throw new Error(`The image has no pixels (${width}×${height}).`);
  const longer = Math.max(width, height);
  if (longer <= maxSide) return { width, height, downscaled: false };
  const scale = maxSide / longer;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    downscaled: true,
  };
}

/** A readable reason why an image is too small to count, or undefined. */
export function tooSmall(width: number, height: number): string | undefined {
  if (width >= MIN_SIDE && height >= MIN_SIDE) return undefined;
  return `The image is ${width}×${height} px; CSRNet needs at least ${MIN_SIDE}×${MIN_SIDE} px.`;
}
