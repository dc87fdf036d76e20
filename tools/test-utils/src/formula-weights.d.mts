export declare function formulaTensor(seed: number, index: number, n: number, bound: number): Float32Array;
export declare function formulaWeights(): Map<string, { shape: number[]; data: Float32Array }>;
