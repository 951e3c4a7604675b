// The field tables: each schema's JSON Schema turned into rows, and the named types linked from them
// and listed in "Types". Per-field notes come from FIELD_NOTES (prose.ts); usedNotes finds stale ones.
import { z } from 'zod';
import {
  AppDataSchema,
  CallEndReasonSchema,
  CallIdSchema,
  CallInfoSchema,
  CallModeSchema,
  CallOutcomeSchema,
  CallRecordSchema,
  CallStateSchema,
  CallUserInfoSchema,
  CallUserStateSchema,
  DeliverySchema,
  DeviceIdSchema,
  DirectoryUserSchema,
  DndStatusSchema,
  DtlsParametersSchema,
  ExtendedDataSchema,
  LIMITS,
  PresenceSchema,
  ProducerInfoSchema,
  REQUESTS,
  RejectReasonSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  SFU_LIMITS,
  UserIdSchema,
  UserPageSchema,
} from '../../src/shared/protocol/index.ts';
import { code, link, table } from './markdown.ts';
import { FIELD_NOTES } from './prose.ts';

/** Named types: each is documented once, in "Types", and linked from every table that uses it. */
const NAMED_TYPES: [string, z.ZodType, string][] = [
  ['UserId', UserIdSchema, 'A user id: 1–64 characters, lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit.'],
  ['DeviceId', DeviceIdSchema, 'Chosen by the client, stable per installation: 1–64 characters, letters, digits, `_`, `-`. Tokens are bound to it.'],
  ['CallId', CallIdSchema, 'Made by the server (a UUID today); clients treat it as opaque: 1–64 characters, letters, digits, `_`, `-`.'],
  ['ExtendedData', ExtendedDataSchema, `Free text the app passes along (often JSON), at most ${LIMITS.extendedDataMaxBytes} bytes of UTF-8.`],
  ['CallMode', CallModeSchema, `See ${link('Modes')}.`],
  ['CallState', CallStateSchema, 'A call is `started` until it ends; an ended call never starts again.'],
  ['CallUserState', CallUserStateSchema, `See ${link('User states')}.`],
  ['RejectReason', RejectReasonSchema, `Why an invitee is Rejected: \`declined\` by a person, or answered by the server: \`busy\`, \`dnd\`. See ${link('Busy and do-not-disturb')}.`],
  ['CallEndReason', CallEndReasonSchema, `See ${link('How a call ends')}.`],
  ['CallOutcome', CallOutcomeSchema, `See ${link('Call records')}.`],
  ['Presence', PresenceSchema, 'Online when at least one device of the user is signed in.'],
  ['Delivery', DeliverySchema, 'What the others see of a pending invitee: whether any device is signed in, and how many devices acknowledged the invitation and are ringing.'],
  ['CallUserInfo', CallUserInfoSchema, 'One member of a call as everyone sees it.'],
  ['CallInfo', CallInfoSchema, 'A call as the server sends it. `users` lists the inviter first, then invitees in the order they were invited.'],
  ['CallRecord', CallRecordSchema, `The record of an ended call. See ${link('Call records')}.`],
  ['DndStatus', DndStatusSchema, `Do-not-disturb settings. \`allowList\`: at most ${LIMITS.maxAllowList} users whose calls still ring.`],
  ['DirectoryUser', DirectoryUserSchema, 'An account as the directory, favorites, recents and presence snapshots show it.'],
  ['UserPage', UserPageSchema, `One page of users. See ${link('Directory and presence')}.`],
  ['Session', REQUESTS.login.result, 'What `login` and `resume` return.'],
  ['RtpCapabilities', RtpCapabilitiesSchema, "mediasoup's RtpCapabilities: what a router offers or a device can receive. Unknown fields are kept."],
  ['RtpParameters', RtpParametersSchema, "mediasoup's RtpParameters: what a producer sends or a consumer receives. Unknown fields are kept."],
  ['DtlsParameters', DtlsParametersSchema, "mediasoup's DtlsParameters."],
  ['AppData', AppDataSchema, `A flat object of strings, numbers and booleans, at most ${SFU_LIMITS.maxAppDataBytes} bytes as JSON.`],
  ['ProducerInfo', ProducerInfoSchema, 'A producer in a room, as the other members see it.'],
];
const registry = z.registry<{ id: string }>();
for (const [id, schema] of NAMED_TYPES) registry.add(schema, { id });
const nameOf = (schema: z.ZodType): string | undefined => registry.get(schema)?.id;

/** The JSON Schema keywords the tables read. */
interface JS {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JS[];
  items?: JS;
  properties?: Record<string, JS>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  $defs?: Record<string, JS>;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JS {
  return z.toJSONSchema(schema, { io, metadata: registry }) as JS; // JSON Schema; JS names the keywords we read
}

const refName = (ref: string): string => ref.split('/').at(-1) ?? ref;
const SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(s: JS): string {
  if (s.$ref) return link(refName(s.$ref));
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.enum) return s.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'unknown'}[]`;
  return s.type ?? 'unknown';
}

function range(min: number | undefined, max: number | undefined, what: string): string | null {
  const lo = min !== undefined && Math.abs(min) < SAFE ? min : undefined;
  const hi = max !== undefined && Math.abs(max) < SAFE ? max : undefined;
  if (lo !== undefined && hi !== undefined) return `${what}${lo}–${hi}`;
  if (lo !== undefined) return `${what}≥ ${lo}`;
  if (hi !== undefined) return `${what}≤ ${hi}`;
  return null;
}

function constraints(s: JS): string[] {
  const parts = (s.anyOf ?? [s]).flatMap((m) => [
    range(m.minimum, m.maximum, ''),
    range(m.minLength, m.maxLength, 'length '),
    range(m.minItems, m.maxItems, 'items: '),
    m.pattern && !m.$ref ? `pattern ${code(m.pattern)}` : null,
  ]);
  if (s.default !== undefined) parts.push(`default ${code(JSON.stringify(s.default))}`);
  return parts.filter((p): p is string => p !== null);
}

/** An object nested in place (not a named type), to be expanded into dotted rows. */
function inlineObject(s: JS): { schema: JS; suffix: string } | null {
  if (s.properties) return { schema: s, suffix: '.' };
  if (s.type === 'array' && s.items?.properties) return { schema: s.items, suffix: '[].' };
  const obj = s.anyOf?.find((m) => m.properties);
  return obj ? { schema: obj, suffix: '.' } : null;
}

type FieldRow = { path: string; type: string; required: boolean; notes: string[] };

function fieldRows(s: JS, prefix = ''): FieldRow[] {
  return Object.entries(s.properties ?? {}).flatMap(([name, p]) => {
    const path = `${prefix}${name}`;
    const row: FieldRow = { path, type: typeOf(p), required: s.required?.includes(name) ?? false, notes: constraints(p) };
    const nested = inlineObject(p);
    return [row, ...(nested ? fieldRows(nested.schema, `${path}${nested.suffix}`) : [])];
  });
}
export const usedNotes = new Set<string>();

/** The schema's JSON Schema, with a named root (which comes back as a `$ref`) resolved. */
function resolved(schema: z.ZodType, io: 'input' | 'output'): JS {
  const s = jsonSchema(schema, io);
  return s.$ref ? (s.$defs?.[refName(s.$ref)] ?? s) : s;
}

export function fieldTable(key: string, schema: z.ZodType, io: 'input' | 'output'): string {
  const named = nameOf(schema);
  return named ? `Same as ${link(named)}.` : rowsTable(key, resolved(schema, io), io);
}

function rowsTable(key: string, s: JS, io: 'input' | 'output'): string {
  const rows = fieldRows(s);
  if (rows.length === 0) return io === 'input' ? 'No fields: send `{}` (or leave `data` out).' : 'No fields: `{}`.';
  const withNotes = rows.map((r) => {
    const note = FIELD_NOTES[`${key}.${r.path}`] ?? (r.path === 'version' ? `see ${link('Call versions')}` : undefined);
    if (note) usedNotes.add(`${key}.${r.path}`);
    return { ...r, notes: note ? [...r.notes, note] : r.notes };
  });
  if (io === 'input') return table(['field', 'type', 'required', 'notes'], withNotes.map((r) => [code(r.path), r.type, r.required ? 'yes' : 'no', r.notes.join('; ')]));
  return table(['field', 'type', 'notes'], withNotes.map((r) => [code(r.path), r.type, r.notes.join('; ')]));
}

export function typesSection(): string {
  return NAMED_TYPES.map(([id, schema, description]) => {
    const s = resolved(schema, 'output');
    const body = s.properties
      ? rowsTable(`type.${id}`, s, 'output')
      : s.enum
        ? `One of ${typeOf(s)}.`
        : `${s.type ?? 'value'}${constraints(s).length ? `, ${constraints(s).join('; ')}` : ''}.`;
    return [`### ${id}`, '', description, '', body].join('\n');
  }).join('\n\n');
}
