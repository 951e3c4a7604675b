// "No unbounded list anywhere in the protocol" (docs/protocol.md): every array a request, a result or a
// push may carry has a maximum in its schema, so a new list without one fails here, not in production.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PUSHES } from './pushes.ts';
import { REQUESTS } from './requests.ts';

interface Node {
  type?: string | string[];
  maxItems?: number;
  items?: Node | Node[];
  prefixItems?: Node[];
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
  $defs?: Record<string, Node>;
}

/** The paths of arrays without maxItems in a JSON Schema (with its $defs). */
function unbounded(n: Node, path: string, out: string[]): string[] {
  const isArray = n.type === 'array' || (Array.isArray(n.type) && n.type.includes('array'));
  if (isArray && n.maxItems === undefined) out.push(path);
  const items = Array.isArray(n.items) ? n.items : n.items ? [n.items] : [];
  for (const i of [...items, ...(n.prefixItems ?? [])]) unbounded(i, `${path}[]`, out);
  for (const [k, v] of Object.entries(n.properties ?? {})) unbounded(v, `${path}.${k}`, out);
  if (typeof n.additionalProperties === 'object') unbounded(n.additionalProperties, `${path}.*`, out);
  for (const v of [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])]) unbounded(v, path, out);
  for (const [k, v] of Object.entries(n.$defs ?? {})) unbounded(v, `#${k}`, out);
  return out;
}

const schema = (s: z.ZodType, io: 'input' | 'output'): Node => z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Node; // JSON Schema; Node names the keywords walked

describe('every list in the protocol has a maximum', () => {
  it.each(Object.entries(REQUESTS))('request %s: its data and its result', (_type, r) => {
    expect(unbounded(schema(r.data, 'input'), 'data', [])).toEqual([]);
    expect(unbounded(schema(r.result, 'output'), 'result', [])).toEqual([]);
  });

  it.each(Object.entries(PUSHES))('push %s', (_type, p) => {
    expect(unbounded(schema(p, 'output'), 'data', [])).toEqual([]);
  });

  it('finds an array without one (the check can fail)', () => {
    expect(unbounded(schema(z.object({ a: z.array(z.string()).max(3), b: z.object({ c: z.array(z.number()) }) }), 'output'), 'x', [])).toEqual(['x.b.c']);
  });
});
