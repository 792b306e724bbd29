/**
 * The jobs plugin: Saturn job runs (commands, log tabs, completion toasts,
 * launcher cards, the notebook toolbar's buttons) and the panel's Jobs
 * section. It needs the main plugin's model and panel (`ISaturnPanelShell`)
 * and can be turned off alone with JupyterLab's `disabledExtensions`
 * (`jupyterlab-saturn-panel:jobs`): the panel then shows hub servers and
 * Saturn workspaces only.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { addPaletteItems } from '../commands';
import {
  CommandIDs,
  DEFAULT_JOB_SETTINGS,
  IJobSettings,
  ISaturnPanelShell,
  JOBS_PLUGIN_ID,
  PLUGIN_ID,
  TRANSLATION_DOMAIN
} from '../tokens';
import {
  addJobCommands,
  addJobContextMenuItems,
  JOB_PALETTE_COMMANDS
} from './commands';
import { JobLauncherCards } from './launcher';
import { RunLogsWidget } from './logsWidget';
import { RunNotifier } from './runNotifier';
import { RunWatcher } from './runWatcher';

/**
 * The job settings (schema/jobs.json) a user may still have in the main
 * plugin's settings, where they were before the plugin was split: read from
 * there when not set in the jobs plugin's own.
 */
export const LEGACY_JOB_SETTINGS: ReadonlyArray<string> = [
  'showJobsSection',
  'notifyOnRunComplete',
  'pinnedJobs',
  'askForParameters',
  'confirmGpuRuns',
  'jobSource',
  'gitRepository',
  'gitReference',
  'gitDirectory',
  'jobImage',
  'jobInstanceType',
  'outputFolder'
];

/**
 * The jobs plugin.
 */
export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: JOBS_PLUGIN_ID,
  description:
    'Saturn Cloud jobs in the Saturn panel: run jobs and notebooks, follow their logs, launcher cards, schedules.',
  autoStart: true,
  requires: [ISaturnPanelShell],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IDefaultFileBrowser,
    ILauncher,
    INotebookTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    shell: ISaturnPanelShell,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    fileBrowser: IDefaultFileBrowser | null,
    launcher: ILauncher | null,
    notebookTracker: INotebookTracker | null
  ): void => {
    translator = translator ?? nullTranslator;
    const trans = translator.load(TRANSLATION_DOMAIN);
    const { model, panel } = shell;
    // The main plugin leaves the Jobs section out until this plugin runs.
    panel.setSectionVisible('jobs', true);

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
      openPanel: () => shell.openPanel()
    });
    if (palette) {
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

    if (!settingRegistry) {
      return;
    }
    Promise.all([
      settingRegistry.load(JOBS_PLUGIN_ID),
      // Where the job settings were before the split (see LEGACY_JOB_SETTINGS).
      settingRegistry.load(PLUGIN_ID).catch(() => null)
    ])
      .then(([settings, legacy]) => {
        const apply = () => {
          const value = (name: string): unknown => {
            const own = settings.get(name);
            if (own.user === undefined && legacy) {
              const old = legacy.get(name).user;
              if (old !== undefined) {
                return old;
              }
            }
            return own.composite;
          };
          const get = (name: string, fallback: boolean): boolean => {
            const v = value(name);
            return typeof v === 'boolean' ? v : fallback;
          };
          const text = (name: string): string => {
            const v = value(name);
            return typeof v === 'string' ? v : '';
          };
          panel.setSectionVisible('jobs', get('showJobsSection', true));
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
            const pinned = value('pinnedJobs');
            launcherCards.pinned = Array.isArray(pinned)
              ? pinned.filter((p): p is string => typeof p === 'string')
              : [];
          }
        };
        apply();
        settings.changed.connect(apply);
        legacy?.changed.connect(apply);
      })
      .catch(reason => {
        console.error(
          `jupyterlab-saturn-panel: could not load the jobs settings: ${reason}`
        );
      });
  }
};
