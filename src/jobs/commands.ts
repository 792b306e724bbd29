/**
 * The commands of Saturn job runs: run a job, stop a run, show a run's
 * logs, run a notebook as a job. The panel's buttons, the context menus,
 * the notebook toolbar, the palette and the launcher cards all run these.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification, WidgetTracker } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ITranslator } from '@jupyterlab/translation';
import { stopIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import {
  activeRun,
  fetchRuns,
  IRun,
  isActive,
  isStoppable,
  jobIdFromKey,
  jobRuns,
  resourceLabel,
  startJob,
  stopRun
} from '../api';
import {
  argKey,
  contextMenuData,
  iconOutsidePalette,
  refreshCommandsOn,
  reportError,
  ROW_CLASS,
  RUN_CLASS,
  runBlockedReason,
  saturnBlockedReason,
  saturnUsable,
  sendAndApply,
  warn
} from '../commands/kit';
import { revealRow } from '../components/panel';
import { pickResource } from '../dialogs';
import { saturnJobIcon } from '../icons';
import type { ResourceModel } from '../model';
import { CommandIDs, IJobSettings, TRANSLATION_DOMAIN } from '../tokens';
import { confirmGpuRun, needsGpuConfirmation } from './gpuConfirm';
import { logTabOpener } from './logTabs';
import type { RunLogsWidget } from './logsWidget';
import { runName } from './names';
import { addRunNotebookCommand } from './notebookJob';
import { addOpenOutputCommand } from './outputCommand';
import { addScheduleCommands, SCHEDULE_COMMANDS } from './scheduleCommands';

/**
 * The job commands the palette lists (besides run-job and run-notebook).
 */
export const JOB_PALETTE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.runJob,
  CommandIDs.stopRun,
  CommandIDs.openLogs,
  CommandIDs.runNotebook,
  CommandIDs.scheduleNotebook,
  CommandIDs.editSchedule,
  CommandIDs.pauseSchedule,
  CommandIDs.resumeSchedule,
  CommandIDs.openOutput
];

/**
 * What the job commands need.
 */
export interface IJobCommandsOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  translator: ITranslator;
  /**
   * The tracker of the run-log tabs (restored by the layout restorer).
   */
  tracker: WidgetTracker<RunLogsWidget>;
  /**
   * The notebooks, for the current notebook and saving before a run.
   */
  notebookTracker: INotebookTracker | null;
  /**
   * The default file browser, for its context menu on notebooks.
   */
  fileBrowser: IDefaultFileBrowser | null;
  /**
   * The current settings.
   */
  settings: () => IJobSettings;
  /**
   * Show the panel.
   */
  openPanel: () => void;
  /**
   * Milliseconds between log fetches while a run is going (default 2000).
   */
  logsInterval?: number;
}

/**
 * Register the job commands.
 */
export function addJobCommands(options: IJobCommandsOptions): IDisposable {
  const { app, model, translator, notebookTracker } = options;
  const { commands } = app;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const disposables = new DisposableSet();
  const openLogs = logTabOpener({ ...options, trans });

  /**
   * The job key a command runs on: `key`, `name`, or the row under the
   * context menu.
   */
  const jobKey = (args: ReadonlyPartialJSONObject): string | null =>
    argKey(app, model, args, true);

  /**
   * The job a command runs on, if the model has it.
   */
  const argJob = (args: ReadonlyPartialJSONObject) => {
    const key = jobKey(args);
    return key !== null ? model.get(key) : undefined;
  };

  /**
   * The run a command runs on: `run`, the run under the context menu, else
   * the job's newest run (`active`: newest still going).
   */
  const argRun = (
    args: ReadonlyPartialJSONObject,
    key: string | null,
    active: boolean
  ): string | null => {
    if (typeof args.run === 'string') {
      return args.run;
    }
    if (args.contextMenu === true) {
      const run = contextMenuData(app, RUN_CLASS, 'run');
      if (run) {
        return run;
      }
    }
    const job = key !== null ? model.get(key) : undefined;
    if (!job) {
      return null;
    }
    const run = active ? activeRun(job) : (jobRuns(job)[0] ?? null);
    return run?.name ?? null;
  };

  /**
   * The run a command runs on, as the model knows it.
   */
  const findRun = (args: ReadonlyPartialJSONObject): IRun | null => {
    const key = jobKey(args);
    const run = argRun(args, key, true);
    const job = key !== null ? model.get(key) : undefined;
    if (!job || run === null) {
      return null;
    }
    return jobRuns(job).find(r => r.name === run) ?? null;
  };

  /**
   * The jobs with a run that can be stopped (the palette's Stop asks which).
   */
  const stoppableJobs = () =>
    model.resources.filter(
      r =>
        r.kind === 'job' &&
        !model.isBusy(r.key) &&
        jobRuns(r).some(run => isStoppable(run.status))
    );

  /**
   * The jobs that have run (the palette's Show logs asks which).
   */
  const jobsWithRuns = () =>
    model.resources.filter(r => r.kind === 'job' && jobRuns(r).length > 0);

  /**
   * Reveal a job's row in the panel.
   */
  const showInPanel = (key: string): void => {
    options.openPanel();
    revealRow(key);
  };

  disposables.add(
    commands.addCommand(CommandIDs.runJob, {
      label: args => {
        const job = argJob(args);
        if (args.isLauncher) {
          // The card carries the name a person reads (a notebook's name).
          return job
            ? resourceLabel(job, trans)
            : typeof args.name === 'string'
              ? args.name
              : trans.__('Run Saturn Job');
        }
        return job
          ? trans.__('Run %1 now', resourceLabel(job, trans))
          : trans.__('Run Saturn Job Now…');
      },
      caption: args => {
        const job = argJob(args);
        const blocked = runBlockedReason(model, jobKey(args), trans);
        if (blocked) {
          return blocked;
        }
        return job
          ? trans.__(
              'Start a run of the Saturn job %1',
              resourceLabel(job, trans)
            )
          : trans.__('Start a run of a Saturn job');
      },
      icon: iconOutsidePalette(saturnJobIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            key: {
              type: 'string',
              description: trans.__('Job key: saturn/job/{id}')
            },
            name: { type: 'string', description: trans.__('Job name') }
          }
        }
      },
      isEnabled: args => {
        if (!saturnUsable(model)) {
          return false;
        }
        const key = jobKey(args);
        if (key !== null) {
          return model.canDo(key, 'run');
        }
        if (typeof args.name === 'string') {
          return false;
        }
        return model.eligible('run').length > 0;
      },
      isVisible: args =>
        args.contextMenu !== true || !!argJob(args)?.actions.includes('run'),
      execute: async args => {
        let key = jobKey(args);
        if (key === null && typeof args.name === 'string') {
          warn(trans.__('There is no Saturn job named "%1".', args.name));
          return;
        }
        if (key === null) {
          key = await pickResource({
            title: trans.__('Run a Saturn Job'),
            acceptLabel: trans.__('Run'),
            emptyMessage: trans.__('No Saturn job can be run right now.'),
            resources: model.eligible('run'),
            trans
          });
          if (key === null) {
            return;
          }
        }
        const job = model.get(key);
        const id = jobIdFromKey(key);
        if (!job || id === null) {
          warn(trans.__('No Saturn job "%1".', key));
          return;
        }
        const label = resourceLabel(job, trans);
        if (!model.canDo(key, 'run')) {
          warn(
            runBlockedReason(model, key, trans) ??
              trans.__('%1 cannot be run now.', label)
          );
          return;
        }
        // A GPU size costs more: ask first, wherever the run comes from (a
        // launcher card, the palette, the panel), unless the setting says no.
        if (
          needsGpuConfirmation(job, options.settings()) &&
          !(await confirmGpuRun(job, trans))
        ) {
          return;
        }
        let run: IRun | null = null;
        try {
          const answer = await sendAndApply(model, key, () => startJob(id));
          if (answer && answer.key === key) {
            run = jobRuns(answer)[0] ?? null;
          }
        } catch (error) {
          reportError(trans.__('Could not run %1', label), error, trans);
          return;
        }
        if (args.isLauncher) {
          // From a launcher card: show the run where it happens.
          showInPanel(key);
          if (run) {
            await openLogs(key, run.name);
          }
          return;
        }
        const jobKeyNow = key;
        const started = run;
        Notification.info(
          trans.__('Started a run of the Saturn job %1.', label),
          {
            autoClose: 10000,
            actions: started
              ? [
                  {
                    label: trans.__('Show logs'),
                    caption: trans.__(
                      'Show the logs of %1',
                      runName(started, trans, false)
                    ),
                    callback: () => void openLogs(jobKeyNow, started.name)
                  }
                ]
              : []
          }
        );
      }
    })
  );

  // The arguments of the commands that act on one run of a job.
  const runArgs = {
    args: {
      type: 'object' as const,
      properties: {
        key: {
          type: 'string' as const,
          description: trans.__('Job key: saturn/job/{id}')
        },
        run: { type: 'string' as const, description: trans.__('Run name') }
      },
      required: ['key']
    }
  };

  disposables.add(
    commands.addCommand(CommandIDs.stopRun, {
      label: args => {
        const run = args.isPalette ? null : findRun(args);
        return run
          ? trans.__('Stop %1', runName(run, trans, false))
          : trans.__('Stop a Saturn Job Run…');
      },
      caption: () =>
        saturnBlockedReason(model, trans) ??
        trans.__('Stop a run of a Saturn job'),
      icon: iconOutsidePalette(stopIcon),
      describedBy: runArgs,
      isEnabled: args => {
        const key = jobKey(args);
        if (key === null && !args.contextMenu) {
          // From the palette: asks which job.
          return saturnUsable(model) && stoppableJobs().length > 0;
        }
        const run = findRun(args);
        return (
          saturnUsable(model) &&
          key !== null &&
          !model.isBusy(key) &&
          !!run &&
          isStoppable(run.status)
        );
      },
      isVisible: args => {
        if (args.contextMenu !== true) {
          return true;
        }
        const run = findRun(args);
        return !!run && isActive(run.status);
      },
      execute: async args => {
        let key = jobKey(args);
        if (key === null && !args.contextMenu) {
          key = await pickResource({
            title: trans.__('Stop a Run of a Saturn Job'),
            acceptLabel: trans.__('Stop its run'),
            emptyMessage: trans.__('No Saturn job has a run going.'),
            resources: stoppableJobs(),
            trans
          });
          if (key === null) {
            return;
          }
          args = { ...args, key };
        }
        const run = argRun(args, key, true);
        const id = key !== null ? jobIdFromKey(key) : null;
        if (key === null || id === null || run === null) {
          warn(trans.__('Which run to stop is not known.'));
          return;
        }
        try {
          await sendAndApply(model, key, () => stopRun(id, run));
        } catch (error) {
          const known = findRun(args);
          reportError(
            known
              ? trans.__('Could not stop %1', runName(known, trans, false))
              : trans.__('Could not stop the run'),
            error,
            trans
          );
        }
      }
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.openLogs, {
      label: args => {
        const key = jobKey(args);
        const name = argRun(args, key, false);
        const job = key !== null ? model.get(key) : undefined;
        const run =
          job && name !== null
            ? (jobRuns(job).find(r => r.name === name) ?? null)
            : null;
        return run && !args.isPalette
          ? trans.__('Show logs of %1', runName(run, trans))
          : trans.__('Show Saturn Job Run Logs…');
      },
      caption: trans.__('Show the logs of a Saturn job run in a tab'),
      describedBy: runArgs,
      isEnabled: args => {
        const key = jobKey(args);
        if (key === null && !args.contextMenu) {
          // From the palette: asks which job (its newest run).
          return jobsWithRuns().length > 0;
        }
        return key !== null && jobIdFromKey(key) !== null;
      },
      isVisible: args =>
        args.contextMenu !== true || argRun(args, jobKey(args), false) !== null,
      execute: async args => {
        let key = jobKey(args);
        if (key === null && !args.contextMenu) {
          key = await pickResource({
            title: trans.__('Show the Logs of a Saturn Job Run'),
            acceptLabel: trans.__('Show logs of its newest run'),
            emptyMessage: trans.__('No Saturn job has run yet.'),
            resources: jobsWithRuns(),
            trans
          });
          if (key === null) {
            return;
          }
        }
        const id = key !== null ? jobIdFromKey(key) : null;
        if (key === null || id === null) {
          warn(trans.__('Which job is not known.'));
          return;
        }
        let run = argRun(args, key, false);
        if (run === null) {
          // A job not (yet) in the model: ask the server for its runs.
          try {
            run = (await fetchRuns(id))[0]?.name ?? null;
          } catch (error) {
            reportError(trans.__('Could not read the runs'), error, trans);
            return;
          }
        }
        if (run === null) {
          Notification.info(trans.__('This job has not run yet.'), {
            autoClose: 5000
          });
          return;
        }
        return openLogs(key, run, args.activate !== false);
      }
    })
  );

  disposables.add(
    addOpenOutputCommand({ app, model, trans, settings: options.settings })
  );
  disposables.add(
    addScheduleCommands({
      app,
      model,
      trans,
      notebookTracker,
      fileBrowser: options.fileBrowser,
      settings: options.settings,
      showInPanel
    })
  );

  disposables.add(
    addRunNotebookCommand({
      app,
      model,
      trans,
      notebookTracker,
      fileBrowser: options.fileBrowser,
      settings: options.settings,
      openLogs,
      showInPanel
    })
  );

  // Buttons, menus and the toolbar follow the model and the current notebook.
  disposables.add(
    refreshCommandsOn(
      commands,
      [
        CommandIDs.runJob,
        CommandIDs.stopRun,
        CommandIDs.openLogs,
        CommandIDs.runNotebook,
        CommandIDs.openOutput,
        ...SCHEDULE_COMMANDS
      ],
      notebookTracker
        ? [model.changed, notebookTracker.currentChanged]
        : [model.changed]
    )
  );

  return disposables;
}

/**
 * The context menu of job rows and run rows. (The file browser's item for
 * notebooks is declared in schema/jobs.json.)
 */
export function addJobContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  const selector = `.${ROW_CLASS}[data-kind="job"]`;
  [
    CommandIDs.runJob,
    CommandIDs.openLogs,
    CommandIDs.stopRun,
    CommandIDs.openOutput,
    CommandIDs.editSchedule,
    CommandIDs.pauseSchedule,
    CommandIDs.resumeSchedule
  ].forEach((command, i) => {
    disposables.add(
      app.contextMenu.addItem({
        command,
        selector,
        rank: 10 + i,
        args: { contextMenu: true }
      })
    );
  });
  return disposables;
}
