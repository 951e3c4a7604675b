import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every user-facing string of main comes from the catalog (src/shared/i18n): main sends codes and
 * params over IPC and formats its own OS text (tray, notifications, dialogs) with translate().
 * This scans main's source for string literals that read like English sentences or labels and
 * fails on any that is not explained below. Exempt by construction:
 *  - log lines (`log.info(…)` and friends) and `new …Error(…)` messages: they are for IT and the
 *    log file, not for users, and stay English on purpose (docs/architecture.md, "Language");
 *  - import paths, object keys and type positions (never shown);
 *  - test files;
 *  - src/main/cli: the developer/test command line (JSON lines on stdio), not the desktop app's UI.
 */
const MAIN = join(import.meta.dirname);

/**
 * The few literals that may stay, each with why. Keyed by "file: text" so a moved or new literal
 * fails the test instead of hiding behind an old entry.
 */
const ALLOWED = new Map<string, string>([
  // Shown by Electron before the app is ready, for a mistyped command-line flag: no settings or
  // locale exist yet, and the user is a developer or IT typing the flag.
  ['platform/electronApp.ts: Write the profile as --profile=<name>, for example --profile=demo2.', 'command-line usage error before app start'],
  ['platform/electronApp.ts: Ringdesk cannot start', 'title of the same pre-start error box'],
  ['platform/electronApp.ts: "${…}" is not a valid profile name. Use 1 to 32 lower-case letters, digits or dashes, for example --profile=demo2.', 'same pre-start error box'],
  // Why a deep link from outside was ignored: it only goes to the log (DesktopInputs logs it).
  ['app/deepLink.ts: expected ringdesk://notification/<accept|decline|open>?callID=…', 'log-only reason'],
  ['app/deepLink.ts: not a URL', 'log-only reason'],
  // Technical details main quotes as the {error} / {why} params of a policy warning (policyWarnings.*):
  // the OS tool's failure and the rule a value broke, for the IT admin who set it. The sentence
  // around them is the catalog's.
  ['platform/policySources.ts: plutil exited with ${…}', 'quoted OS tool failure'],
  ['platform/policySources.ts: it is not valid JSON (${…})', 'quoted parse failure'],
  ['platform/policySources.ts: ${…} names this file, but it does not exist', 'quoted file failure'],
  ['policy/Policy.ts: must be a ws:// or wss:// URL', 'quoted validation rule'],
  ['policy/Policy.ts: must be an https:// URL', 'quoted validation rule'],
  // The signaling state's `reason`: goes to the log and the diagnostics export, never on screen
  // (the renderer shows the state, and notices by code).
  ['signaling/SignalingClient.ts: this account was disabled', 'diagnostics reason'],
  ['signaling/SignalingClient.ts: signed out by the server', 'diagnostics reason'],
  ['signaling/SignalingClient.ts: the password was changed; sign in again', 'diagnostics reason'],
  ['signaling/SignalingClient.ts: signed out on every device; sign in again', 'diagnostics reason'],
  // A WebSocket close reason sent to the server (its log), not shown to anyone.
  ['signaling/SignalingClient.ts: authentication did not complete', 'close frame reason'],
  // Electron's own name for the whole-screen source in the test double; the real one comes from the OS.
  ['platform/fakeElectron.ts: Entire screen', 'test double of desktopCapturer'],
]);

function mainFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return relative(MAIN, p) === 'cli' ? [] : mainFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Reads like words for a person: two words with a capital first letter, or ending in punctuation. */
export function looksUserFacing(text: string): boolean {
  const s = text.trim();
  if (!/[A-Za-z]{2}/.test(s) || !/\s/.test(s)) return false;
  // Identifiers, paths, URLs, format strings of code (`%s`), CSS and the like.
  if (/^[a-z0-9_.:/-]*[0-9_.:/-][a-z0-9_.:/-]*(\s|$)/.test(s) && !/[.!?…]$/.test(s)) return false;
  if (/^(https?|ringdesk|file):\/\//.test(s) || /^<\w/.test(s)) return false;
  // Three words in a row read as a phrase for a person even in lower case ("is longer than …; ignored").
  return /^[A-Z]/.test(s) || /[.!?…:]$/.test(s) || /\b[a-z]+ [a-z]+ [a-z]+\b/i.test(s);
}

const LOG_METHODS = new Set(['debug', 'info', 'warn', 'error']);

/** True when the node sits inside an argument of log.x(…) or new SomethingError(…). */
function exempt(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && LOG_METHODS.has(n.expression.name.text)) {
      const target = n.expression.expression;
      if (ts.isIdentifier(target) && /log/i.test(target.text)) return true;
    }
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && /Error$/.test(n.expression.text)) return true;
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isTypeNode(n) || ts.isLiteralTypeNode(n)) return true;
  }
  return false;
}

/** The sentence-like literals of one source text, as "text" strings (template parts included). */
export function userFacingLiterals(source: string, fileName = 'x.ts'): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    const texts =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? [node.text]
      : ts.isTemplateExpression(node) ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].filter((t) => t.trim() !== '').map(() => templateText(node))
      : [];
    // A property name ("'Content-Security-Policy': …") is a key, not text.
    const isKey = node.parent && ts.isPropertyAssignment(node.parent) && node.parent.name === node;
    if (texts.length && !isKey && !exempt(node)) {
      for (const t of new Set(texts)) if (looksUserFacing(t)) out.push(t);
    }
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A template literal with its holes shown as ${…}: "Missed calls (${…})". */
function templateText(node: ts.TemplateExpression): string {
  return node.head.text + node.templateSpans.map((s) => '${…}' + s.literal.text).join('');
}

describe('user-facing text in main', () => {
  it('the detector tells sentences and labels from code strings', () => {
    expect(userFacingLiterals(`notifier.show({ title: 'Missed call', body: \`From \${name}\` });`)).toEqual(['Missed call', 'From ${…}']);
    expect(userFacingLiterals(`tray.setToolTip('Ringdesk — online');`)).toEqual(['Ringdesk — online']);
    expect(userFacingLiterals(`warnings.push({ key, message: 'is longer than 80 characters; ignored' });`)).toEqual(['is longer than 80 characters; ignored']);
    expect(userFacingLiterals(`x.notice('tokenNotStored', 'you will need to sign in again.');`)).toEqual(['you will need to sign in again.']);
    expect(
      userFacingLiterals(
        [
          `log.warn('settings file reset to defaults (%s)', why);`,
          `throw new RingdeskError('internal', 'Something broke here.');`,
          `import { x } from './some file.ts';`,
          `const k = t('os.tray.quit');`,
          `const u = 'ringdesk://notification/open';`,
          `const h = { 'Content-Security-Policy': "default-src 'self'" };`,
          `type Kind = 'Video call' | 'x';`,
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('every user-facing literal in src/main comes from the catalog, or is allowed here with a reason', () => {
    const found: string[] = [];
    for (const file of mainFiles(MAIN)) {
      const rel = relative(MAIN, file).split('\\').join('/');
      for (const text of userFacingLiterals(readFileSync(file, 'utf8'), file)) {
        const key = `${rel}: ${text}`;
        if (!ALLOWED.has(key)) found.push(key);
      }
    }
    expect(found, 'put these in src/shared/i18n (en + zh-CN) and format them with translate(), or send a code over IPC').toEqual([]);
  });
});
