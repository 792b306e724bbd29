/**
 * The JupyterLab plugins of jupyterlab-saturn-panel: the main plugin (a
 * left-sidebar panel that manages JupyterHub named servers and Saturn Cloud
 * workspaces) and the jobs plugin (Saturn job runs, launcher cards, the
 * notebook toolbar's buttons; src/jobs/plugin.ts), which a user can turn off
 * alone with `disabledExtensions`.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  IRunningSessionManagers,
  IRunningSessionSidebar
} from '@jupyterlab/running';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import {
  errorMessage,
  errorStatus,
  fetchConfig,
  LiveUpdates,
  refreshBackends
} from './api';
import {
  ActionNotifier,
  addCommands,
  addContextMenuItems,
  addPaletteItems,
  openInNewTab
} from './commands';
import { SaturnPanel } from './components/panel';
import { jobsPlugin } from './jobs/plugin';
import { addRunningSections, watchVisibility } from './running';
import { sharingStore } from './sharing/store';
import { ResourceModel } from './model';
import {
  CommandIDs,
  INotifierSettings,
  ISaturnPanelShell,
  JOBS_PLUGIN_ID,
  PANEL_ID,
  PLUGIN_ID,
  TRANSLATION_DOMAIN
} from './tokens';

export { ISaturnPanelShell, JOBS_PLUGIN_ID, PLUGIN_ID };

/**
 * The main plugin: model, live event stream, panel, commands, notifications.
 * It provides the model and the panel to the jobs plugin.
 */
const plugin: JupyterFrontEndPlugin<ISaturnPanelShell> = {
  id: PLUGIN_ID,
  description:
    'A sidebar panel that manages JupyterHub named servers and Saturn Cloud workspaces and jobs.',
  autoStart: true,
  provides: ISaturnPanelShell,
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IDefaultFileBrowser,
    IStateDB,
    IRunningSessionManagers,
    IRunningSessionSidebar
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null,
    state: IStateDB | null,
    runningManagers: IRunningSessionManagers | null,
    runningSidebar: IRunningSessionSidebar | null
  ): ISaturnPanelShell => {
    translator = translator ?? nullTranslator;
    const trans = translator.load(TRANSLATION_DOMAIN);

    const model = new ResourceModel();
    // Change notices over jupyter_server's event bus, state by short requests:
    // no tab holds an HTTP connection open (src/api/liveUpdates.ts).
    const live = new LiveUpdates({
      events: app.serviceManager.events,
      serverSettings: app.serviceManager.serverSettings
    });
    live.received.connect((_, event) => model.apply(event));
    live.statusChanged.connect((_, status) => {
      model.setConnection(status);
      if (status.reason === 'not-found') {
        Private.reportMissingExtension(model, trans);
      }
    });

    const notifier = new ActionNotifier({
      model,
      translator,
      onOpen: key => void app.commands.execute(CommandIDs.open, { key }),
      openInNewTab
    });

    const panel = new SaturnPanel({
      model,
      commands: app.commands,
      translator,
      state,
      shell: app.shell
    });
    app.shell.add(panel, 'left', { rank: 200 });
    // The server reads upstream while a tab shows the panel, or Lab's Running
    // panel with the panel's sections (and the tab is visible).
    const attention = { panel: false, running: false };
    const attend = () => {
      live.watching = attention.panel || attention.running;
    };
    panel.visibilityChanged.connect((_, shown) => {
      attention.panel = shown;
      attend();
      // Shares are read when the panel is shown (and on its refresh), never polled.
      if (shown) {
        void sharingStore.refresh();
      }
    });
    if (runningManagers) {
      addRunningSections(runningManagers, model, app.commands, trans);
      if (runningSidebar instanceof Widget) {
        watchVisibility(runningSidebar, shown => {
          attention.running = shown;
          attend();
        });
      }
    }
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
        // The live updates' first answer brings it when the server answers.
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
      state,
      refresh: async () => {
        if (await loadConfig()) {
          // Read upstream now, whatever backoff its failures had earned.
          try {
            model.applyBackends(await refreshBackends());
          } catch {
            // The live state's fetch below says what is wrong.
          }
          await live.refresh();
          void sharingStore.refresh();
        }
      },
      openPanel: () => app.shell.activateById(PANEL_ID),
      focusPanel: () => panel.focusFilter()
    });
    addContextMenuItems(app);
    if (palette) {
      addPaletteItems(palette, translator);
    }
    // The jobs plugin (src/jobs/plugin.ts) shows the Jobs section; without
    // it (turned off), the panel has none.
    panel.setSectionVisible('jobs', false);

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
            panel.setSectionVisible(
              'deployments',
              get('showSaturnSection', true)
            );
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
        live.start();
      }
    });

    return {
      model,
      panel,
      openPanel: () => app.shell.activateById(PANEL_ID)
    };
  }
};

export default [plugin, jobsPlugin];

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
}
