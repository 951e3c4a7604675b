// Markdown and wording helpers shared by every part of docs/protocol.md: code spans, JSON blocks,
// tables, links to the page's own headings, seconds and ordinals.

export const code = (s: string | number): string => `\`${s}\``;
export const json = (v: unknown): string => ['```json', JSON.stringify(v, null, 2), '```'].join('\n');
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
export const link = (text: string, heading = text): string => `[${text}](#${slug(heading)})`;
export const seconds = (ms: number): string => `${ms / 1000} s`;

export function table(headers: string[], rows: string[][]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.map(cell).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function ordinal(n: number): string {
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
}
