import { format } from 'node:util';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go besides stderr: the rotating file and the diagnostics ring buffer. */
export interface LogSink {
  write(line: string): void;
}

const sinks = new Set<LogSink>();
let threshold: LogLevel = 'info';
let toStderr = true;

/** mediasoup-style logger for the main process. Never log tokens, passwords or SDP. */
export class Logger {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  static configure(o: { level?: LogLevel; stderr?: boolean }): void {
    if (o.level) threshold = o.level;
    if (o.stderr !== undefined) toStderr = o.stderr;
  }
  static addSink(sink: LogSink): () => void {
    sinks.add(sink);
    return () => sinks.delete(sink);
  }
  #out(level: LogLevel, fmt: string, args: unknown[]): void {
    if (ORDER[level] < ORDER[threshold]) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${this.#name}: ${format(fmt, ...args)}\n`;
    if (toStderr) process.stderr.write(line);
    for (const s of sinks) s.write(line);
  }
  debug(fmt: string, ...args: unknown[]): void {
    this.#out('debug', fmt, args);
  }
  info(fmt: string, ...args: unknown[]): void {
    this.#out('info', fmt, args);
  }
  warn(fmt: string, ...args: unknown[]): void {
    this.#out('warn', fmt, args);
  }
  error(fmt: string, ...args: unknown[]): void {
    this.#out('error', fmt, args);
  }
}
