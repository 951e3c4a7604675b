import { RENDERER_LOG_LIMITS } from '../../shared/ipc/log.ts';
import { call } from './bridge.ts';
import { errorMessage } from '../../shared/errors.ts';

/**
 * A renderer warning or error: to the page's console and, over the `log` IPC channel, to main's log
 * file and the diagnostics export IT collects. Main rate-limits; this only trims to the size cap.
 */
export function logToMain(scope: string, level: 'warn' | 'error', message: string): void {
  const max = RENDERER_LOG_LIMITS.maxMessage;
  const text = (message.length > max ? `${message.slice(0, max - 1)}…` : message) || '(no message)';
  if (level === 'error') console.error(`[${scope}]`, text);
  else console.warn(`[${scope}]`, text);
  // Main unreachable (the host restarting): the console above still has the line.
  call('log', { level, scope, message: text }).catch((e: unknown) => console.warn('[log] main did not take the line:', errorMessage(e)));
}
