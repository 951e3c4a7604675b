import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeResult } from '../../../shared/ipc/contract.ts';
import type { Settings, SettingsPatch } from '../../../shared/ipc/model.ts';
import { call } from '../bridge.ts';

/** User settings, owned by main: read from the snapshot, changed through updateSettings, pushed back as `settings`. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);

  const language = computed(() => settings.value?.language ?? 'system');
  const ringtone = computed(() => settings.value?.ringtone ?? 'classic');
  const volume = computed(() => settings.value?.ringtoneVolume ?? 0.8);

  function set(s: Settings): void {
    settings.value = s;
  }

  async function load(): Promise<void> {
    set(await call('getSettings', {}));
  }

  async function update(patch: SettingsPatch): Promise<Settings> {
    const s = await call('updateSettings', patch);
    set(s);
    return s;
  }

  /** This device as other devices see it ("answered on <name>"). */
  const device = (): Promise<InvokeResult<'getDevice'>> => call('getDevice', {});
  const renameDevice = (deviceName: string): Promise<InvokeResult<'setDeviceName'>> => call('setDeviceName', { deviceName });
  const testNotification = (): Promise<InvokeResult<'testNotification'>> => call('testNotification', {});
  const exportDiagnostics = (): Promise<InvokeResult<'exportDiagnostics'>> => call('exportDiagnostics', {});

  return { settings, language, ringtone, volume, set, load, update, device, renameDevice, testNotification, exportDiagnostics };
});
