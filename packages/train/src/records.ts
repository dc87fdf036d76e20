/** One optimisation step, as streamed to callbacks and to `log.jsonl`. */
export interface StepRecord {
  type: 'step';
  /** 1-based epoch. */
  epoch: number;
  /** Optimisation steps taken so far, this one included. */
  step: number;
  /** 1-based batch within the epoch, of `batches`. */
  batch: number;
  batches: number;
  /** The batch's sum of squared errors before the update (train.py's loss). */
  loss: number;
  lr: number;
  /** Examples in the batch. */
  images: number;
  /** Examples per second over this step, reading and cropping included. */
  imagesPerSecond: number;
}

/** One finished epoch: training loss, validation, best model. */
export interface EpochRecord {
  type: 'epoch';
  epoch: number;
  epochs: number;
  step: number;
  /** Mean loss per example over the epoch. */
  loss: number;
  valMae: number;
  /** RMSE, which papers print as "MSE". */
  valRmse: number;
  /** Whether this epoch's model is the best so far (lowest validation MAE; ties keep the earlier). */
  best: boolean;
  bestMae: number;
  bestEpoch: number;
  /** Wall time of the epoch in this process (a resumed epoch counts only its resumed part). */
  seconds: number;
}

export type LogRecord = StepRecord | EpochRecord;

/**
 * Where records are appended (a JSON-lines file in Node). Its position is
 * saved with each checkpoint so that a resumed run first drops the records
 * written after that checkpoint, and the log matches the replayed run.
 */
export interface TrainLog {
  append(record: LogRecord): void | Promise<void>;
  /** The log's length now (bytes, for a file). */
  position(): number;
  /** Drops everything after `position` (0 for a fresh run). */
  truncate(position: number): void | Promise<void>;
}
