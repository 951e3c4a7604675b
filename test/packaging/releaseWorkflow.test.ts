import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// .github/workflows/release.yml can only run on GitHub's Windows and macOS runners. What can be
// checked here is checked here: the schema (action-validator, offline), the shape IT relies on,
// and that every secret and variable it reads is explained in docs/deployment.md.

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'release.yml');
const VALIDATOR = join(ROOT, 'node_modules', '.bin', 'action-validator');
const read = (p: string): string => readFileSync(p, 'utf8');
/** The YAML parser electron-builder uses (a dependency of app-builder-lib, which we declare). */
const yaml = createRequire(createRequire(import.meta.url).resolve('app-builder-lib'))('js-yaml') as { load(s: string): unknown };

async function validate(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(VALIDATOR, [file]);
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }; // execFile's error carries the exit code and output
    return { code: err.code ?? -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** Every `secrets.X` and `vars.X` the workflow reads that docs/deployment.md does not name in backticks. */
function undocumented(workflow: string, doc: string): string[] {
  const used = new Set([...workflow.matchAll(/\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => `${m[1]}.${m[2]}`));
  return [...used].filter((ref) => !doc.includes(`\`${ref.split('.')[1]}\``)).sort();
}

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string[];
  env?: Record<string, string>;
  steps: Step[];
}

describe('release workflow', () => {
  it('passes action-validator', async () => {
    const r = await validate(WORKFLOW);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('action-validator does fail a broken workflow (so the check above can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringdesk-wf-'));
    try {
      const broken = join(dir, 'release.yml');
      writeFileSync(broken, read(WORKFLOW).replace('    runs-on: windows-latest', '    runs_on: windows-latest'));
      const r = await validate(broken);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('runs_on');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every secret and variable it uses in docs/deployment.md', () => {
    const workflow = read(WORKFLOW);
    expect(workflow).toMatch(/secrets\.WIN_CSC_LINK/); // the scan sees the references at all
    expect(undocumented(workflow, read(join(ROOT, 'docs', 'deployment.md')))).toEqual([]);
  });

  it('the documentation check fails for a secret or variable the docs do not mention', () => {
    const doc = read(join(ROOT, 'docs', 'deployment.md'));
    const workflow = `${read(WORKFLOW)}\n# \${{ secrets.RINGDESK_NOT_DOCUMENTED }} \${{ vars.ALSO_NOT_DOCUMENTED }}\n`;
    expect(undocumented(workflow, doc)).toEqual(['secrets.RINGDESK_NOT_DOCUMENTED', 'vars.ALSO_NOT_DOCUMENTED']);
    expect(undocumented('${{ secrets.WIN_CSC_LINK }}', doc.replaceAll('`WIN_CSC_LINK`', 'the certificate'))).toEqual(['secrets.WIN_CSC_LINK']);
  });

  it('builds signed NSIS + MSI on Windows and notarized DMG + zip on macOS, both architectures, with Node 24 and npm ci', () => {
    const wf = yaml.load(read(WORKFLOW)) as { env: Record<string, string>; jobs: Record<string, Job> };
    const { windows, macos, sbom, release } = wf.jobs;
    expect(wf.env['NODE_VERSION']).toBe('24');
    expect(windows?.['runs-on']).toMatch(/^windows-/);
    expect(macos?.['runs-on']).toMatch(/^macos-/);
    const runs = (j: Job | undefined): string => (j?.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const j of [windows, macos, sbom]) {
      expect(j?.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe('${{ env.NODE_VERSION }}');
      expect(runs(j)).toContain('npm ci');
    }
    expect(runs(windows)).toMatch(/electron-builder --config build\/release-config\.mjs --win nsis msi --x64 --arm64/);
    expect(runs(macos)).toMatch(/electron-builder --config build\/release-config\.mjs --mac dmg zip --x64 --arm64/);
    // Signing from secrets, the publisher name for the updater, notarization with an API key.
    expect(windows?.env).toMatchObject({ WIN_CSC_LINK: '${{ secrets.WIN_CSC_LINK }}', RINGDESK_WIN_PUBLISHER_NAME: '${{ vars.RINGDESK_WIN_PUBLISHER_NAME }}' });
    expect(runs(windows)).toContain('RINGDESK_SIGN_COMMAND=');
    expect(macos?.env).toMatchObject({ CSC_LINK: '${{ secrets.MAC_CSC_LINK }}', APPLE_API_KEY_ID: '${{ secrets.APPLE_API_KEY_ID }}', APPLE_API_ISSUER: '${{ secrets.APPLE_API_ISSUER }}' });
    expect(runs(macos)).toContain('xcrun stapler validate');
    // The feed with its SHA-512s, an SBOM, and a release holding all of it.
    expect(runs(sbom)).toContain('@cyclonedx/cyclonedx-npm');
    expect(release?.needs).toEqual(['windows', 'macos', 'sbom']);
    expect(runs(release)).toContain('createHash("sha512")');
    expect(runs(release)).toMatch(/gh release upload[^\n]*latest\.yml latest-mac\.yml ringdesk-sbom\.cdx\.json SHA512SUMS/);
    // The feed files go up last, so that no client sees a version whose installers are missing.
    const publish = runs(release).slice(runs(release).indexOf('aws s3 cp'));
    expect(publish.indexOf('latest.yml')).toBeGreaterThan(publish.indexOf('*.exe'));
  });
});
