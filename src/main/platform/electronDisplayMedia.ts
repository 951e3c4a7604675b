import { desktopCapturer, dialog, type Session } from 'electron';
import { translatorFor, type AppLocale, type Translator } from '../../shared/i18n/index.ts';
import { Logger } from '../log/Logger.ts';
import { errorMessage } from '../../shared/errors.ts';

const log = new Logger('DisplayMedia');

/** A screen or window the user may share. */
export interface DisplaySource {
  id: string;
  name: string;
}

export interface DisplayMediaOptions {
  /** Our own pages only (electronWindows.isTrustedRendererUrl). */
  isTrusted(url: string): boolean;
  /** What can be shared; Electron's desktopCapturer by default. */
  listSources?: () => Promise<DisplaySource[]>;
  /** Asks the user; resolves with a source id, or null when they cancel. A native dialog by default. */
  pick?: (sources: DisplaySource[], t: Translator) => Promise<string | null>;
  /** The language of the picker; English if absent. */
  locale?: () => AppLocale;
}

/** The default picker: a native dialog with one button per source (screens first, as desktopCapturer lists them). */
async function pickWithDialog(sources: DisplaySource[], t: Translator): Promise<string | null> {
  const shown = sources.slice(0, 8);
  const { response } = await dialog.showMessageBox({
    type: 'question',
    title: t('os.screenPicker.title'),
    message: t('os.screenPicker.message'),
    buttons: [...shown.map((s) => s.name), t('os.screenPicker.cancel')],
    cancelId: shown.length,
    noLink: true,
  });
  return shown[response]?.id ?? null;
}

/**
 * Answers the renderer's getDisplayMedia() (screen sharing in a call): Electron has no picker of its
 * own, so the user picks a screen or window here. Refused for any page that is not ours, and when
 * the user cancels. Where the OS has its own picker (macOS 15+) Electron uses that instead.
 */
export function installDisplayMediaHandler(ses: Session, o: DisplayMediaOptions): void {
  const list = o.listSources ?? (async () => (await desktopCapturer.getSources({ types: ['screen', 'window'] })).map((s) => ({ id: s.id, name: s.name })));
  const pick = o.pick ?? pickWithDialog;
  ses.setDisplayMediaRequestHandler(
    (request, callback) => {
      const url = request.frame?.url ?? request.securityOrigin;
      if (!o.isTrusted(url) || !request.videoRequested) {
        log.warn('refused screen sharing for %s', url);
        callback(null);
        return;
      }
      void (async () => {
        try {
          const sources = await list();
          const id = await pick(sources, translatorFor(o.locale?.() ?? 'en'));
          const chosen = sources.find((s) => s.id === id);
          callback(chosen ? { video: { id: chosen.id, name: chosen.name } } : null);
        } catch (e) {
          log.warn('screen sharing failed: %s', errorMessage(e));
          callback(null);
        }
      })();
    },
    { useSystemPicker: true },
  );
}
