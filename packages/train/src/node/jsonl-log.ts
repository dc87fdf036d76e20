import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, TrainLog } from '../records.js';

/**
 * `log.jsonl`: one JSON object per line, appended with a synchronous write
 * and flushed with fdatasync, so a crash loses at most the line being
 * written. `position()` is the file's length, which checkpoints save;
 * `truncate` cuts the lines written after a checkpoint when a run resumes.
 */
export class JsonlLog implements TrainLog {
  private fd: number;
  private length: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.length = fstatSync(this.fd).size;
  }

  append(record: LogRecord): void {
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    fdatasyncSync(this.fd);
    this.length += bytes.length;
  }

  position(): number {
    return this.length;
  }

  /** Cuts the file to `position` bytes; a shorter file (e.g. deleted by hand) is left as it is. */
  truncate(position: number): void {
    if (this.length <= position) return;
    ftruncateSync(this.fd, position);
    fdatasyncSync(this.fd);
    this.length = position;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The records of a `log.jsonl`; a line cut short by a crash mid-write is skipped. */
export function readLog(path: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch {
      // A partial line: the rest of the log is still good.
    }
  }
  return records;
}
