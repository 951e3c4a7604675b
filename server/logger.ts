import { format } from 'node:util';

type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Context a line carries as its own JSON keys, so a log search can follow one call, user or device. */
export interface LogFields {
  callID?: string;
  userId?: string;
  device?: string;
  [key: string]: string | number | boolean | null | undefined;
}

/** Keys that must never reach a log line, whatever a call site passes: their values are replaced. */
const SECRET_KEY = /token|password|secret|sdp|authorization|cookie/i;

/** Where lines go and how they look: one owner for the process-wide output settings. */
class LogOutput {
  threshold: Level = LogOutput.#level(process.env['RINGDESK_LOG']);
  format: LogFormat = process.env['RINGDESK_LOG_FORMAT'] === 'text' ? 'text' : 'json';
  write: (line: string) => void = (line) => process.stderr.write(line);

  static #level(v: string | undefined): Level {
    return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'info';
  }
}
const output = new LogOutput();

function clean(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
  }
  return out;
}

/**
 * mediasoup-style logger: `new Logger('CallService').warn('invite() [callID:%s]', id)`, plus
 * `log.child({ callID, userId, device })` for structured fields. Output is one JSON object per line
 * (`time`, `level`, `logger`, `msg`, then the fields); RINGDESK_LOG_FORMAT=text prints for humans.
 * Never log tokens, passwords or SDP: fields with such names are redacted, messages are the caller's duty.
 */
export class Logger {
  readonly #name: string;
  readonly #fields: LogFields;
  constructor(name: string, fields: LogFields = {}) {
    this.#name = name;
    this.#fields = clean(fields);
  }
  /** Returns the level it replaces (a test puts it back). */
  static setLevel(level: Level): Level {
    const prev = output.threshold;
    output.threshold = level;
    return prev;
  }
  static setFormat(f: LogFormat): void {
    output.format = f;
  }
  /** Redirects every logger's output (tests); returns a function that restores stderr. */
  static setWriter(write: (line: string) => void): () => void {
    const prev = output.write;
    output.write = write;
    return () => {
      output.write = prev;
    };
  }

  /** The same logger with more fields on every line (a call's, a connection's). */
  child(fields: LogFields): Logger {
    return new Logger(this.#name, { ...this.#fields, ...clean(fields) });
  }

  #out(level: Level, fmt: string, args: unknown[]): void {
    if (ORDER[level] < ORDER[output.threshold]) return;
    const msg = format(fmt, ...args);
    const time = new Date().toISOString();
    if (output.format === 'text') {
      const ctx = Object.entries(this.#fields)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      output.write(`${time} ${level.toUpperCase()} ${this.#name}: ${msg}${ctx ? ` (${ctx})` : ''}\n`);
      return;
    }
    output.write(`${JSON.stringify({ time, level, logger: this.#name, msg, ...this.#fields })}\n`);
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
