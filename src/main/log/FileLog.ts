import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from './Logger.ts';

export interface FileLogOptions {
  dir: string;
  /** Rotate when the current file passes this size. */
  maxBytes?: number;
  /** Rotated files kept: main.1.log … main.N.log. */
  keep?: number;
  /** Lines kept in memory for "Export diagnostics". */
  memoryLines?: number;
}

/** A rotating log file plus the last lines in memory. Synchronous appends: log lines are few and must survive a crash. */
export class FileLog implements LogSink {
  readonly path: string;
  readonly #dir: string;
  readonly #max: number;
  readonly #keep: number;
  readonly #memory: string[] = [];
  readonly #memoryLines: number;
  #size: number;

  constructor(o: FileLogOptions) {
    this.#dir = o.dir;
    this.#max = o.maxBytes ?? 1024 * 1024;
    this.#keep = o.keep ?? 3;
    this.#memoryLines = o.memoryLines ?? 1000;
    mkdirSync(o.dir, { recursive: true });
    this.path = join(o.dir, 'main.log');
    this.#size = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  write(line: string): void {
    this.#memory.push(line);
    if (this.#memory.length > this.#memoryLines) this.#memory.shift();
    const bytes = Buffer.byteLength(line); // names are often not ASCII: the cap is in bytes
    if (this.#size + bytes > this.#max) this.#rotate();
    try {
      appendFileSync(this.path, line);
      this.#size += bytes;
    } catch {
      // A full disk must not take the app down; the memory copy still has the line.
    }
  }

  recent(): string[] {
    return [...this.#memory];
  }

  #rotate(): void {
    rmSync(join(this.#dir, `main.${this.#keep}.log`), { force: true });
    for (let i = this.#keep - 1; i >= 1; i--) {
      const from = join(this.#dir, `main.${i}.log`);
      if (existsSync(from)) renameSync(from, join(this.#dir, `main.${i + 1}.log`));
    }
    if (existsSync(this.path)) renameSync(this.path, join(this.#dir, 'main.1.log'));
    this.#size = 0;
  }
}
