// Windows signing hook (win.signtoolOptions.sign in electron-builder.yml). electron-builder calls
// it for every file it signs. It only reads the environment:
//   RINGDESK_SIGN_COMMAND  a command for cloud signing (Azure Trusted Signing, a KMS-backed
//                          signtool, jsign...), with {file} where the file's path goes; or
//   CSC_LINK / WIN_CSC_LINK + CSC_KEY_PASSWORD  a .pfx: electron-builder's own signtool step; or
//   neither                nothing is signed and the build goes on (local, unsigned builds).
// See docs/deployment.md, "Signing and notarization in CI".
import { execFileSync } from 'node:child_process';

/** What to do for one file: pure, so test/packaging can check each case. */
export function planSign(env, hasCertificate, file) {
  const command = (env.RINGDESK_SIGN_COMMAND ?? '').trim();
  if (command) {
    if (!command.includes('{file}')) throw new Error('RINGDESK_SIGN_COMMAND must contain {file}, where the path of the file to sign goes');
    return { kind: 'command', command: command.replaceAll('{file}', `"${file}"`) };
  }
  if (hasCertificate) return { kind: 'certificate' };
  return { kind: 'skip' };
}

export async function sign(configuration, packager) {
  const plan = planSign(process.env, configuration.cscInfo != null, configuration.path);
  switch (plan.kind) {
    case 'command':
      // A shell, because vendors' sign commands are written as one command line.
      execFileSync(process.platform === 'win32' ? 'cmd.exe' : '/bin/sh', process.platform === 'win32' ? ['/d', '/s', '/c', plan.command] : ['-c', plan.command], { stdio: 'inherit' });
      return;
    case 'certificate': {
      // electron-builder's own signtool/osslsigncode step with CSC_LINK's certificate.
      const manager = await packager.signingManager.value;
      await manager.doSign(configuration, packager);
      return;
    }
    case 'skip':
      console.log(`  • not signing ${configuration.path}: no RINGDESK_SIGN_COMMAND and no CSC_LINK`);
      return;
    default:
      throw new Error(`unknown sign plan ${JSON.stringify(plan)}`);
  }
}
