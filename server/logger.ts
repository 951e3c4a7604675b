import { format } from 'node:util';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = (process.env['RINGDESK_LOG'] as Level | undefined) ?? 'info'; // unchecked env: unknown levels print everything

/** mediasoup-style logger: `new Logger('CallService').warn('invite() [callID:%s]', id)`. Never log tokens or SDP. */
export class Logger {
  readonly #name: string;
  constructor(name: string) {
    this.#name = name;
  }
  static setLevel(level: Level): void {
    threshold = level;
  }
  #out(level: Level, fmt: string, args: unknown[]): void {
    if ((ORDER[level] ?? 0) < (ORDER[threshold] ?? 0)) return;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${this.#name}: ${format(fmt, ...args)}\n`);
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
