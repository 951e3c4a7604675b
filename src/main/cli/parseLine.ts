import { describeIssues } from '../../shared/protocol/index.ts';
import { CliCommandSchema, type CliCommand, type CliError, type CliTag } from './commands.ts';

const KNOWN: readonly string[] = CliCommandSchema.options.map((o) => o.shape.cmd.value);

/** `id` and `cmd` as the caller wrote them, when they are usable as tags; null otherwise. */
function tagsOf(raw: unknown): CliTag {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}; // probing only, each field checked below
  const id = o['id'];
  const cmd = o['cmd'];
  return {
    cmd: typeof cmd === 'string' && cmd.length <= 64 ? cmd : null,
    id: (typeof id === 'string' && id.length <= 64) || (typeof id === 'number' && Number.isFinite(id)) ? id : null,
  };
}

/**
 * A line that is not JSON may still name its command and id (a script that built it by hand):
 * read them leniently so the error line can be matched to what was sent.
 */
function tagsOfText(line: string): CliTag {
  const cmd = /"cmd"\s*:\s*"([^"\\]{1,64})"/.exec(line)?.[1] ?? null;
  const m = /"id"\s*:\s*(?:"([^"\\]{1,64})"|(-?\d{1,15}(?:\.\d+)?)(?=\s*[,}\s]|$))/.exec(line);
  const id = m?.[1] ?? (m?.[2] !== undefined ? Number(m[2]) : null);
  return { cmd, id };
}

/**
 * One stdin line → a command, or the error line to print. Every error line carries `id` and `cmd`
 * (null when they cannot be read), as the result lines do, so a script can tell which command failed.
 */
export function parseCliLine(line: string): { ok: true; command: CliCommand } | { ok: false; error: CliError } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, error: { type: 'error', ...tagsOfText(line), error: { code: 'malformed_json', message: 'each line must be one JSON object' } } };
  }
  const tags = tagsOf(raw);
  if (tags.cmd === null || !KNOWN.includes(tags.cmd)) {
    const what = tags.cmd === null ? 'a "cmd" field is required' : `unknown command "${tags.cmd}"`;
    return { ok: false, error: { type: 'error', ...tags, error: { code: 'unknown_type', message: `${what}; known: ${KNOWN.join(', ')}` } } };
  }
  const parsed = CliCommandSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: { type: 'error', ...tags, error: { code: 'bad_request', message: `${tags.cmd}: ${describeIssues(parsed.error)}` } } };
  return { ok: true, command: parsed.data };
}
