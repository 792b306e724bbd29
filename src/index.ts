/**
 * The JupyterLab plugin of jupyterlab-saturn-panel: a left-sidebar panel
 * that manages JupyterHub named servers and Saturn Cloud workspaces and
 * jobs, with launcher cards and a notebook toolbar button for job runs.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  Notification,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

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
import {
  addJobCommands,
  addJobContextMenuItems,
  JOB_PALETTE_COMMANDS,
  JobLauncherCards,
  RunLogsWidget,
  RunNotifier,
  RunWatcher
} from './jobs';
import { ResourceModel } from './model';
import {
  CommandIDs,
  DEFAULT_JOB_SETTINGS,
  IJobSettings,
  INotifierSettings,
  PANEL_ID,
  PLUGIN_ID,
  TRANSLATION_DOMAIN
} from './tokens';

export { PLUGIN_ID };

/**
 * The main plugin: model, live event stream, panel, commands, notifications.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'A sidebar panel that manages JupyterHub named servers and Saturn Cloud workspaces and jobs.',
  autoStart: true,
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IDefaultFileBrowser,
    ILauncher,
    INotebookTracker,
    IStateDB
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null,
    launcher: ILauncher | null,
    notebookTracker: INotebookTracker | null,
    state: IStateDB | null
  ): void => {
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
      state
    });
    app.shell.add(panel, 'left', { rank: 200 });
    // The server reads upstream while a tab shows the panel (and the tab is visible).
    panel.visibilityChanged.connect((_, shown) => {
      live.watching = shown;
    });
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
        }
      },
      openPanel: () => app.shell.activateById(PANEL_ID),
      focusPanel: () => panel.focusFilter()
    });
    addContextMenuItems(app);

    // Job runs: commands, log tabs, completion toasts, launcher cards.
    let jobSettings: IJobSettings = { ...DEFAULT_JOB_SETTINGS };
    const logsTracker = new WidgetTracker<RunLogsWidget>({
      namespace: 'saturn-panel-logs'
    });
    addJobCommands({
      app,
      model,
      translator,
      tracker: logsTracker,
      notebookTracker,
      fileBrowser,
      settings: () => jobSettings,
      openPanel: () => app.shell.activateById(PANEL_ID)
    });
    if (palette) {
      addPaletteItems(palette, translator);
      addPaletteItems(palette, translator, JOB_PALETTE_COMMANDS);
    }
    addJobContextMenuItems(app);
    if (restorer) {
      void restorer.restore(logsTracker, {
        command: CommandIDs.openLogs,
        args: widget => ({ key: widget.key, run: widget.run }),
        name: widget => `${widget.key}:${widget.run}`
      });
    }
    const runNotifier = new RunNotifier({
      watcher: new RunWatcher(model),
      translator,
      openLogs: (key, run) =>
        void app.commands.execute(CommandIDs.openLogs, { key, run })
    });
    const launcherCards = launcher
      ? new JobLauncherCards({
          launcher,
          model,
          command: CommandIDs.runJob,
          trans
        })
      : null;

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            const get = (name: string, fallback: boolean): boolean => {
              const value = settings.get(name).composite;
              return typeof value === 'boolean' ? value : fallback;
            };
            const text = (name: string): string => {
              const value = settings.get(name).composite;
              return typeof value === 'string' ? value : '';
            };
            panel.setSectionVisible('hub', get('showHubSection', true));
            panel.setSectionVisible('saturn', get('showSaturnSection', true));
            panel.setSectionVisible('jobs', get('showJobsSection', true));
            const notifierSettings: INotifierSettings = {
              notifyOnStartComplete: get('notifyOnStartComplete', true),
              openOnReady: get('openOnReady', false)
            };
            notifier.settings = notifierSettings;
            runNotifier.notifyOnComplete = get('notifyOnRunComplete', true);
            jobSettings = {
              askForParameters: get('askForParameters', true),
              jobSource: text('jobSource') === 'git' ? 'git' : 'recipe',
              gitRepository: text('gitRepository'),
              gitReference: text('gitReference'),
              gitDirectory: text('gitDirectory'),
              jobImage: text('jobImage'),
              jobInstanceType: text('jobInstanceType'),
              outputFolder: text('outputFolder'),
              confirmGpuRuns: get('confirmGpuRuns', true)
            };
            if (launcherCards) {
              const pinned = settings.get('pinnedJobs').composite;
              launcherCards.pinned = Array.isArray(pinned)
                ? pinned.filter((p): p is string => typeof p === 'string')
                : [];
            }
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
}
