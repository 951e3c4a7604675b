import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { DesktopCore } from '../app/DesktopCore.ts';
import { relaySfu } from '../app/sfuRelay.ts';
import type { FileLog } from '../log/FileLog.ts';
import { RendererLog } from '../log/RendererLog.ts';
import type { IpcHandlers } from './registerIpc.ts';

/** Every invoke channel, answered by the core. Arguments arrive parsed (registerIpc). */
export function createHandlers(core: DesktopCore, log: FileLog | null): IpcHandlers {
  const calls = (): ReturnType<DesktopCore['calls']> => core.calls();
  /** The call actions answer with the call as this device now sees it. */
  const viewAfter = async (callID: Parameters<DesktopCore['view']>[0], action: Promise<unknown>) => {
    await action;
    return { call: core.view(callID) };
  };
  const device = () => ({ deviceId: core.deviceId, deviceName: core.deviceName });
  const rendererLog = new RendererLog();
  return {
    getSnapshot: () => core.snapshot(),
    login: (a) => core.login(a),
    logout: async () => {
      await core.logout();
      return {};
    },
    signOutEverywhere: async () => {
      await core.signOutEverywhere();
      return {};
    },
    callInvite: (a) => core.invite(a.invitees, a.media, a.mode, a.timeout),
    callCancel: (a) => viewAfter(a.callID, calls().callCancel(a.callID, a.invitees)),
    callAccept: async (a) => ({ call: await core.accept(a.callID, a.media) }),
    callReject: async (a) => ({ call: await core.reject(a.callID) }),
    callingInvite: (a) => viewAfter(a.callID, calls().callingInvite(a.callID, a.invitees)),
    callJoin: (a) => viewAfter(a.callID, calls().callJoin(a.callID)),
    callQuit: (a) => viewAfter(a.callID, calls().callQuit(a.callID)),
    callEnd: (a) => viewAfter(a.callID, calls().callEnd(a.callID)),
    dismissCall: (a) => {
      calls().dismiss(a.callID);
      return {};
    },
    directorySearch: (a) => core.directory().search(a.query, a.cursor, a.limit),
    directoryClear: () => {
      core.directory().show('page', []);
      return {};
    },
    getPeople: () => core.directory().people,
    favoriteAdd: (a) => core.directory().addFavorite(a.userId),
    favoriteRemove: (a) => core.directory().removeFavorite(a.userId),
    listHistory: async (a) => {
      const page = await calls().queryCallInvitationList(a.count, a.nextFlag);
      // Same cursor, ended calls only: this page's ended calls are all among these records.
      const { records } = await calls().queryCallRecords(a.count, a.nextFlag);
      return { ...page, durations: Object.fromEntries(records.map((r) => [r.callID, r.durationMs])) };
    },
    setDnd: async (a) => {
      await core.setDnd(a);
      return core.dndState;
    },
    markMissedSeen: () => {
      core.markMissedSeen();
      return core.snapshot().missed;
    },
    getSettings: () => core.settings.get(),
    updateSettings: (a) => core.updateSettings(a),
    getDevice: device,
    setDeviceName: (a) => {
      core.updateSettings({ deviceName: a.deviceName });
      return device();
    },
    testNotification: async () => {
      const check = await core.p.notifier.selfTest();
      if (core.dndState.os.active) check.problems.push({ code: 'focusMode', fix: 'focusModeAllowList' });
      return { ok: check.problems.length === 0, problems: check.problems };
    },
    exportDiagnostics: () => {
      const path = join(core.p.info.exportDir, `ringdesk-diagnostics-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      const snap = core.snapshot();
      // No token or password is in the snapshot; settings hold none either.
      const report = { app: core.p.info, device: device(), ...snap, log: log?.recent() ?? [] };
      writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
      core.p.shell.showItemInFolder(path);
      return { path };
    },
    showMainWindow: () => {
      core.p.mainWindow.show();
      return {};
    },
    openExternal: (a) => {
      core.p.shell.openExternal(a.url);
      return {};
    },
    installUpdate: () => core.installUpdate(),
    sfu: (a) => relaySfu(core.connection?.sig ?? null, a),
    log: (a) => {
      rendererLog.write(a);
      return {};
    },
  };
}
