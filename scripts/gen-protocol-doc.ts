#!/usr/bin/env node
// Writes docs/protocol.md: `npm run docs:protocol`. The schemas, limits, tables, server defaults and
// examples are read from the code; the prose lives in protocol-doc/prose.ts, keyed by type so a new
// request, push, error code or close code does not compile until it is documented. examples.test.ts
// checks the file. protocol-doc/ also holds the schema → field tables (fields.ts) and the sections.
import { readFileSync, writeFileSync } from 'node:fs';
import { callModel, media, pushes, requests, types, zimDifferences } from './protocol-doc/callSections.ts';
import { auth, closeCodes, errors, frames, heartbeat, intro, rateLimit, transport, versioning } from './protocol-doc/connectionSections.ts';
import { SERVER_FACTS } from './protocol-doc/facts.ts';
import { usedNotes } from './protocol-doc/fields.ts';
import { table } from './protocol-doc/markdown.ts';
import { FIELD_NOTES } from './protocol-doc/prose.ts';
import { directorySection } from './protocol-doc/directory.ts';

export { SERVER_FACTS };

const ROOT = new URL('../', import.meta.url);
export const PROTOCOL_DOC_PATH = 'docs/protocol.md';

/** Reads a file of this repository (for the staleness and drift checks in the tests). */
export function readRepoFile(relPath: string): string {
  return readFileSync(new URL(relPath, ROOT), 'utf8');
}

/** The whole of docs/protocol.md. Pure: the same code gives the same text. */
export function renderProtocolDoc(): string {
  usedNotes.clear();
  const doc = [intro(), transport(), versioning(), frames(), auth(), heartbeat(), rateLimit(), closeCodes(), errors(), callModel(), directorySection(table, SERVER_FACTS.presenceFlushMs), media(), requests(), pushes(), types(), zimDifferences()].join('\n\n');
  const unused = Object.keys(FIELD_NOTES).filter((k) => !usedNotes.has(k)); // notes for fields that were renamed or removed
  if (unused.length) throw new Error(`FIELD_NOTES for fields that do not exist: ${unused.join(', ')}`);
  return `${doc}\n`;
}

if (import.meta.main) {
  const text = renderProtocolDoc();
  writeFileSync(new URL(PROTOCOL_DOC_PATH, ROOT), text);
  console.log(`wrote ${PROTOCOL_DOC_PATH} (${text.length} characters)`);
}
