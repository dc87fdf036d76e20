/** Writes `count` small distinct JPEGs (64×64 to 160×120) into `dir`; returns their paths in order. */
export declare function writeSmallImages(dir: string, count: number): Promise<string[]>;
