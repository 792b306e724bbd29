/**
 * The JupyterLab plugin of jupyterlab-saturn-panel: a left-sidebar panel
 * that manages JupyterHub named servers and Saturn Cloud workspaces.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { fetchConfig } from './api';
import {
  addCommands,
  addContextMenuItems,
  addPaletteItems,
  CommandIDs
} from './commands';
import { EventStreamConnection } from './events';
import { ResourceModel } from './model';
import { ActionNotifier, INotifierSettings } from './notifications';
import { PANEL_ID, SaturnPanel } from './panel';
import { errorMessage, errorStatus } from './request';

/**
 * The id of the main plugin (and of its settings schema).
 */
export const PLUGIN_ID = 'jupyterlab-saturn-panel:plugin';

/**
 * The main plugin: model, live event stream, panel, commands, notifications.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'A sidebar panel that manages JupyterHub named servers and Saturn Cloud workspaces.',
  autoStart: true,
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_saturn_panel');

    const model = new ResourceModel();
    const connection = new EventStreamConnection({
      serverSettings: app.serviceManager.serverSettings
    });
    connection.received.connect((_, event) => {
      model.handleEvent(event);
    });
    connection.statusChanged.connect((_, status) => {
      model.setConnection(status);
      if (status.reason === 'not-found') {
        Private.reportMissingExtension(model, trans);
      }
    });

    const notifier = new ActionNotifier({
      model,
      translator,
      onOpen: key => void app.commands.execute(CommandIDs.open, { key }),
      openInNewTab: Private.tryOpenInNewTab
    });

    const panel = new SaturnPanel({
      model,
      commands: app.commands,
      translator
    });
    app.shell.add(panel, 'left', { rank: 200 });
    if (restorer) {
      restorer.add(panel, PANEL_ID);
    }

    /**
     * Read the configuration; false when the server extension is missing.
     */
    const loadConfig = async (): Promise<boolean> => {
      try {
        model.applyBackends(await fetchConfig());
        return true;
      } catch (error) {
        if (errorStatus(error) === 404) {
          Private.reportMissingExtension(model, trans);
          return false;
        }
        // The `backends` event of the stream will bring it when it connects.
        model.setExtensionFailure('failed', errorMessage(error, trans));
        return true;
      }
    };

    addCommands({
      app,
      model,
      notifier,
      translator,
      fileBrowser,
      refresh: async () => {
        if (await loadConfig()) {
          connection.reconnect();
        }
      },
      openPanel: () => app.shell.activateById(PANEL_ID)
    });
    if (palette) {
      addPaletteItems(palette, translator);
    }
    addContextMenuItems(app);

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            const get = (name: string, fallback: boolean): boolean => {
              const value = settings.get(name).composite;
              return typeof value === 'boolean' ? value : fallback;
            };
            panel.setSectionVisible('hub', get('showHubSection', true));
            panel.setSectionVisible('saturn', get('showSaturnSection', true));
            const notifierSettings: INotifierSettings = {
              notifyOnStartComplete: get('notifyOnStartComplete', true),
              openOnReady: get('openOnReady', false)
            };
            notifier.settings = notifierSettings;
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.error(
            `jupyterlab-saturn-panel: could not load settings: ${reason}`
          );
        });
    }

    void loadConfig().then(available => {
      if (available) {
        connection.start();
      }
    });
  }
};

export default plugin;

/**
 * A module-private namespace.
 */
namespace Private {
  let missingReported = false;

  /**
   * Record a missing server extension; say so once per page load.
   */
  export function reportMissingExtension(
    model: ResourceModel,
    trans: ReturnType<ITranslator['load']>
  ): void {
    model.setExtensionFailure('missing', null);
    if (missingReported) {
      return;
    }
    missingReported = true;
    Notification.error(
      trans.__(
        'Saturn Panel: the jupyterlab_saturn_panel server extension is not installed or not enabled (404). Enable it with "jupyter server extension enable jupyterlab_saturn_panel" and restart the Jupyter server.'
      ),
      { autoClose: false }
    );
  }

  /**
   * Open a URL in a new tab without a user gesture; false when the browser
   * blocked the popup.
   */
  export function tryOpenInNewTab(url: string): boolean {
    const opened = window.open(url, '_blank');
    if (!opened) {
      return false;
    }
    try {
      opened.opener = null;
    } catch {
      // Cross-origin: nothing to detach.
    }
    return true;
  }
}
