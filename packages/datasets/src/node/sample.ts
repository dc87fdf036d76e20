/** The datasets whose on-disk layouts `findSamples` recognises. */
export type DatasetName = 'shanghaitech' | 'ucf-qnrf' | 'ucf-cc-50' | 'jhu-crowd' | 'nwpu-crowd';

/** One image of a dataset and where its annotation and density live. All paths are absolute. */
export interface Sample {
  /** The image file. */
  image: string;
  /** The head-point file for the image. It may not exist; `readHeadPoints` then throws ANNOTATION_MISSING. */
  annotation: string;
  /** Where the reference-format density `.h5` for the image lives, or would be written. */
  density: string;
  dataset: DatasetName;
  /** ShanghaiTech part, from a `part_A*` / `part_B*` folder. */
  part?: 'A' | 'B';
  /** `'train'`, `'val'` or `'test'`, when the layout has split folders (`train_data`, `Train`, `val`, ...). */
  split?: string;
}
