/**
 * `@crowd/queue` (Node only): crowd counting beyond one machine. Images are
 * BullMQ jobs on Redis with content-derived ids (an image queued twice is
 * counted once); any number of workers on any number of machines count them
 * with `@crowd/count`'s `countFile`, store one record per job in Redis and
 * append it to a JSON-lines file; an HTTP front answers uploads through the
 * same queue.
 */
export { failedReason, QueueError, reasonCode, type QueueErrorCode } from './errors.js';
export { connectRedis, redactUrl, REDIS_CONNECT_DEFAULTS, type RedisConnectOptions } from './redis-connection.js';
export { openCountQueue, QUEUE_DEFAULTS, queueKeys, type CountQueue, type CountQueueOptions, type QueueKeys } from './count-queue.js';
export { COUNT_JOB_NAME, countJobId, sha256, type CountJobData, type CountJobOptions, type ImageSource, type JobIdentity } from './count-job.js';
export { modelIdentity, type ModelIdentity } from './model-identity.js';
export { ENQUEUE_DEFAULTS, enqueueImages, type EnqueueItem, type EnqueueOptions, type EnqueueOutcome } from './enqueue.js';
export { startCountWorker, WORKER_DEFAULTS, type CountWorker, type CountWorkerOptions } from './count-worker.js';
export { openResultSink, sinkLine, type ResultSink } from './result-sink.js';
export { commitResult, readResults, recordFromJson, recordToJson, type ReadResultsOptions, type RecordJson, type StoredResult } from './result-store.js';
export { pendingJobs, queueStatus, type FailedJob, type QueueStatus } from './queue-status.js';
export { batchStart, watchBatch, watchQueue, WATCH_INTERVAL_MS, type BatchProgress, type BatchStart, type WatchOptions } from './watch-progress.js';
export { createCountServer, HTTP_FRONT_DEFAULTS, type CountServer, type CountServerOptions, type HttpErrorBody } from './http-front.js';
export { IMAGE_MEDIA_TYPES, sniffImageType, type ImageMediaType } from './image-type.js';
