// The configuration electron-builder runs with for `npm run dist:*` and the release workflow:
// electron-builder.yml, plus what only the release environment knows (see docs/deployment.md,
// "Update signatures on Windows"). Use it with `electron-builder --config build/release-config.mjs`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The Windows updater (electron-updater) installs an update only when its Authenticode signer is
 * one of `publisherName` in app-update.yml. electron-builder writes that list from
 * win.signtoolOptions.publisherName, or else from the CN of CSC_LINK's certificate; with cloud
 * signing (RINGDESK_SIGN_COMMAND) it has no certificate to read, writes nothing, and the updater
 * then skips the check. So the publisher comes from the environment and a cloud-signed build
 * refuses to run without it.
 */
export function releaseConfig(base, env) {
  const names = (env.RINGDESK_WIN_PUBLISHER_NAME ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  const cloudSigned = (env.RINGDESK_SIGN_COMMAND ?? '').trim() !== '';
  if (cloudSigned && names.length === 0) {
    throw new Error(
      'RINGDESK_SIGN_COMMAND is set but RINGDESK_WIN_PUBLISHER_NAME is not: without it the updater would not check who signed an update. ' +
        "Set it to the signing certificate's subject (for example CN=Example Corp, O=Example Corp, L=Oslo, C=NO); several on separate lines.",
    );
  }
  if (names.length === 0) return base;
  const win = base.win ?? {};
  return {
    ...base,
    win: { ...win, verifyUpdateCodeSignature: true, signtoolOptions: { ...win.signtoolOptions, publisherName: names } },
  };
}

// The YAML parser electron-builder itself uses, so the file reads exactly as it does without this.
const yaml = createRequire(createRequire(import.meta.url).resolve('app-builder-lib'))('js-yaml');
const base = yaml.load(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8'));

export default releaseConfig(base, process.env);
