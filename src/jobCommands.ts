/**
 * The commands of Saturn job runs: run a job, stop a run, show a run's
 * logs, run a notebook as a job. The panel's buttons, the context menus,
 * the notebook toolbar, the palette and the launcher cards all run these.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  Notification,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { stopIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import {
  fetchRunLogs,
  fetchRuns,
  INotebookJobRequest,
  NotebookJobSource,
  runNotebookJob,
  startJob,
  stopRun
} from './api';
import { CommandIDs, refreshCommandsOn } from './commands';
import { NotebookJobBody, pickResource, showFormDialog } from './dialogs';
import { saturnJobIcon } from './icons';
import { RunLogsWidget } from './logsWidget';
import type { ResourceModel } from './model';
import { formatParameters, IParameters } from './parameters';
import { errorDetails, errorHint, errorMessage } from './request';
import { IResource, isUsable, resourceLabel } from './resource';
import {
  activeRun,
  IRun,
  isRunActive,
  jobIdFromKey,
  jobRuns,
  shortRunName
} from './runs';

/**
 * The user settings the job commands follow.
 */
export interface IJobSettings {
  /**
   * Ask for papermill parameters before running a notebook.
   */
  askForParameters: boolean;
  /**
   * How the job gets the notebook: inside the recipe, or from git.
   */
  jobSource: NotebookJobSource;
  /**
   * For the `git` source: the repository URL, branch/tag/commit, and the
   * notebook's folder inside the repository.
   */
  gitRepository: string;
  gitReference: string;
  gitDirectory: string;
  /**
   * The image (`owner/name:version`); empty for the server's default.
   */
  jobImage: string;
  /**
   * The Saturn size name; empty for the server's default.
   */
  jobInstanceType: string;
}

/**
 * The job settings' defaults (those of schema/plugin.json).
 */
export const DEFAULT_JOB_SETTINGS: IJobSettings = {
  askForParameters: true,
  jobSource: 'recipe',
  gitRepository: '',
  gitReference: '',
  gitDirectory: '',
  jobImage: '',
  jobInstanceType: ''
};

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
 * Build the body of `POST saturn/notebook-jobs` from the settings.
 *
 * @returns the request, or a translated reason why it cannot be made
 */
export function notebookJobRequest(
  path: string,
  parameters: IParameters,
  settings: IJobSettings,
  trans: TranslationBundle
): INotebookJobRequest | string {
  const request: INotebookJobRequest = {
    path,
    parameters,
    source: settings.jobSource === 'git' ? 'git' : 'recipe'
  };
  if (request.source === 'git') {
    const url = settings.gitRepository.trim();
    if (!url) {
      return trans.__(
        'The "jobSource" setting is "git" but "gitRepository" is empty: set it in Settings → Saturn Panel, or use the "recipe" source.'
      );
    }
    request.git = {
      url,
      reference: settings.gitReference.trim(),
      directory: settings.gitDirectory.trim().replace(/^\/+|\/+$/g, '')
    };
  }
  if (settings.jobImage.trim()) {
    request.image = settings.jobImage.trim();
  }
  if (settings.jobInstanceType.trim()) {
    request.instanceType = settings.jobInstanceType.trim();
  }
  return request;
}

/**
 * Register the job commands.
 */
export function addJobCommands(options: IJobCommandsOptions): IDisposable {
  const { app, model, translator, tracker, notebookTracker } = options;
  const { commands } = app;
  const trans = translator.load('jupyterlab_saturn_panel');
  const disposables = new DisposableSet();
  // The parameters last typed for each notebook, offered again.
  const lastParameters = new Map<string, string>();

  const saturnUsable = () => isUsable(model.config?.saturn ?? null);

  /**
   * The job key a command runs on: `key`, `name`, or the row under the
   * context menu.
   */
  const argKey = (args: ReadonlyPartialJSONObject): string | null => {
    if (typeof args.key === 'string') {
      return args.key;
    }
    if (typeof args.name === 'string') {
      return model.findJob(args.name)?.key ?? null;
    }
    if (args.contextMenu === true) {
      const node = app.contextMenuHitTest(
        n => n.classList.contains('jp-SaturnPanel-row') && !!n.dataset.key
      );
      return node?.dataset.key ?? null;
    }
    return null;
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
      const node = app.contextMenuHitTest(
        n => n.classList.contains('jp-SaturnPanel-run') && !!n.dataset.run
      );
      if (node?.dataset.run) {
        return node.dataset.run;
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
   * A run as the model knows it.
   */
  const findRun = (key: string | null, run: string | null): IRun | null => {
    const job = key !== null ? model.get(key) : undefined;
    if (!job || run === null) {
      return null;
    }
    return jobRuns(job).find(r => r.name === run) ?? null;
  };

  /**
   * Open (or reveal) the logs tab of a run.
   */
  const openLogs = async (
    key: string,
    run: string,
    activate = true
  ): Promise<RunLogsWidget | null> => {
    const id = jobIdFromKey(key);
    if (id === null) {
      return null;
    }
    const existing = tracker.find(w => w.key === key && w.run === run);
    if (existing) {
      if (activate) {
        app.shell.activateById(existing.id);
      }
      return existing;
    }
    const widget = new RunLogsWidget({
      key,
      jobId: id,
      run,
      fetch: () => fetchRunLogs(id, run),
      interval: options.logsInterval,
      commands,
      model,
      trans
    });
    await tracker.add(widget);
    app.shell.add(widget, 'main', { activate });
    if (activate) {
      app.shell.activateById(widget.id);
    }
    return widget;
  };

  /**
   * Say a request failed, with the server's message and its hint.
   */
  const reportError = (text: string, error: unknown): void => {
    const hint = errorHint(error);
    const message = trans.__('%1: %2', text, errorMessage(error, trans));
    const actions: Notification.IAction[] = hint
      ? [
          {
            label: trans.__('How to fix'),
            caption: hint,
            callback: () =>
              void showErrorMessage(
                text,
                { message: `${message}\n\n${hint}` },
                [Dialog.okButton({ label: trans.__('OK') })]
              )
          }
        ]
      : [];
    Notification.error(hint ? `${message} ${hint}` : message, {
      autoClose: false,
      actions
    });
  };

  /**
   * Reveal a job's row in the panel.
   */
  const showInPanel = (key: string): void => {
    options.openPanel();
    requestAnimationFrame(() => {
      const row = document.querySelector(
        `.jp-SaturnPanel-row[data-key="${CSS.escape(key)}"]`
      );
      row?.scrollIntoView?.({ block: 'nearest' }); // absent in jsdom
    });
  };

  /**
   * Apply a job answered by the server and return its newest run.
   */
  const applyJob = (
    answer: IResource | null,
    key: string | null,
    revision: number | undefined
  ): IRun | null => {
    if (!answer || (key !== null && answer.key !== key)) {
      return null;
    }
    model.applyResource(answer, revision);
    return jobRuns(answer)[0] ?? null;
  };

  disposables.add(
    commands.addCommand(CommandIDs.runJob, {
      label: args => {
        const key = argKey(args);
        const job = key !== null ? model.get(key) : undefined;
        if (args.isLauncher) {
          return typeof args.name === 'string'
            ? args.name
            : job
              ? resourceLabel(job, trans)
              : trans.__('Run Saturn Job');
        }
        return job
          ? trans.__('Run %1 now', resourceLabel(job, trans))
          : trans.__('Run Saturn Job Now…');
      },
      caption: args => {
        const key = argKey(args);
        const job = key !== null ? model.get(key) : undefined;
        return job
          ? trans.__(
              'Start a run of the Saturn job %1',
              resourceLabel(job, trans)
            )
          : trans.__('Start a run of a Saturn job');
      },
      icon: args => (args.isPalette ? undefined : saturnJobIcon),
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
        if (!saturnUsable()) {
          return false;
        }
        const key = argKey(args);
        if (key !== null) {
          return model.canDo(key, 'run');
        }
        if (typeof args.name === 'string') {
          return false;
        }
        return model.eligible('run').length > 0;
      },
      isVisible: args => {
        if (args.contextMenu !== true) {
          return true;
        }
        const key = argKey(args);
        return !!key && !!model.get(key)?.actions.includes('run');
      },
      execute: async args => {
        let key = argKey(args);
        if (key === null && typeof args.name === 'string') {
          Notification.warning(
            trans.__('There is no Saturn job named "%1".', args.name),
            { autoClose: 5000 }
          );
          return;
        }
        if (key === null) {
          const jobs = model.eligible('run');
          key = await pickResource({
            title: trans.__('Run a Saturn Job'),
            acceptLabel: trans.__('Run'),
            emptyMessage: trans.__('No Saturn job can be run right now.'),
            resources: jobs,
            trans,
            showOwner: new Set(jobs.map(r => r.owner)).size > 1
          });
          if (key === null) {
            return;
          }
        }
        const job = model.get(key);
        const id = jobIdFromKey(key);
        if (!job || id === null) {
          Notification.warning(trans.__('No Saturn job "%1".', key), {
            autoClose: 5000
          });
          return;
        }
        const label = resourceLabel(job, trans);
        if (!model.canDo(key, 'run')) {
          Notification.warning(
            model.isBusy(key)
              ? trans.__('%1 is busy with another request.', label)
              : trans.__('%1 cannot be run now.', label),
            { autoClose: 5000 }
          );
          return;
        }
        const revision = model.revision(key);
        model.setBusy(key, true);
        let run: IRun | null;
        try {
          run = applyJob(await startJob(id), key, revision);
        } catch (error) {
          reportError(trans.__('Could not run %1', label), error);
          return;
        } finally {
          model.setBusy(key, false);
        }
        if (args.isLauncher) {
          // From a launcher card: show the run where it happens.
          showInPanel(key);
          if (run) {
            await openLogs(key, run.name);
          }
          return;
        }
        const runName = run?.name;
        Notification.info(
          trans.__('Started a run of the Saturn job %1.', label),
          {
            autoClose: 10000,
            actions: runName
              ? [
                  {
                    label: trans.__('Show logs'),
                    caption: trans.__('Show the logs of run %1', runName),
                    callback: () => void openLogs(key as string, runName)
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
        const key = argKey(args);
        const run = argRun(args, key, true);
        return run ? trans.__('Stop run %1', run) : trans.__('Stop Run');
      },
      caption: trans.__('Stop a run of a Saturn job'),
      icon: args => (args.isPalette ? undefined : stopIcon),
      describedBy: runArgs,
      isEnabled: args => {
        const key = argKey(args);
        const run = findRun(key, argRun(args, key, true));
        return (
          saturnUsable() &&
          key !== null &&
          !model.isBusy(key) &&
          !!run &&
          (run.status === 'pending' || run.status === 'running')
        );
      },
      isVisible: args => {
        if (args.contextMenu !== true) {
          return true;
        }
        const key = argKey(args);
        const run = findRun(key, argRun(args, key, true));
        return !!run && isRunActive(run.status);
      },
      execute: async args => {
        const key = argKey(args);
        const run = argRun(args, key, true);
        const id = key !== null ? jobIdFromKey(key) : null;
        if (key === null || id === null || run === null) {
          Notification.warning(trans.__('Which run to stop is not known.'), {
            autoClose: 5000
          });
          return;
        }
        const revision = model.revision(key);
        model.setBusy(key, true);
        try {
          applyJob(await stopRun(id, run), key, revision);
        } catch (error) {
          reportError(
            trans.__('Could not stop run %1', shortRunName(run, id)),
            error
          );
        } finally {
          model.setBusy(key, false);
        }
      }
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.openLogs, {
      label: args => {
        const key = argKey(args);
        const run = argRun(args, key, false);
        return run
          ? trans.__('Show logs of run %1', run)
          : trans.__('Show Run Logs');
      },
      caption: trans.__('Show the logs of a Saturn job run in a tab'),
      describedBy: runArgs,
      isEnabled: args => {
        const key = argKey(args);
        return key !== null && jobIdFromKey(key) !== null;
      },
      isVisible: args => {
        if (args.contextMenu !== true) {
          return true;
        }
        const key = argKey(args);
        return argRun(args, key, false) !== null;
      },
      execute: async args => {
        const key = argKey(args);
        const id = key !== null ? jobIdFromKey(key) : null;
        if (key === null || id === null) {
          Notification.warning(trans.__('Which job is not known.'), {
            autoClose: 5000
          });
          return;
        }
        let run = argRun(args, key, false);
        if (run === null) {
          // A job not (yet) in the model: ask the server for its runs.
          try {
            run = (await fetchRuns(id))[0]?.name ?? null;
          } catch (error) {
            reportError(trans.__('Could not read the runs'), error);
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

  /**
   * The notebook a run-notebook command runs on.
   */
  const notebookPath = (args: ReadonlyPartialJSONObject): string | null => {
    if (typeof args.path === 'string') {
      return args.path;
    }
    if (args.fromFileBrowser === true) {
      const browser = options.fileBrowser;
      if (!browser) {
        return null;
      }
      for (const item of browser.selectedItems()) {
        if (item.type === 'notebook' || item.path.endsWith('.ipynb')) {
          return item.path;
        }
      }
      return null;
    }
    return notebookTracker?.currentWidget?.context.path ?? null;
  };

  /**
   * Save a notebook open in Lab when it has unsaved changes.
   */
  const saveIfDirty = async (path: string): Promise<boolean> => {
    const open =
      notebookTracker?.find(
        w => w.context.path === path && w.context.model.dirty
      ) ?? null;
    if (!open) {
      return true;
    }
    try {
      await open.context.save();
      return !open.context.model.dirty;
    } catch (error) {
      reportError(trans.__('Could not save %1', PathExt.basename(path)), error);
      return false;
    }
  };

  disposables.add(
    commands.addCommand(CommandIDs.runNotebook, {
      label: args =>
        args.isPalette
          ? trans.__('Run Notebook as Saturn Job…')
          : trans.__('Run as Saturn Job…'),
      caption: trans.__(
        'Run this notebook as a Saturn Cloud job (papermill), saving it first'
      ),
      icon: args => (args.isPalette ? undefined : saturnJobIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: trans.__(
                'The notebook (.ipynb), relative to the Jupyter root'
              )
            }
          }
        }
      },
      isEnabled: args => saturnUsable() && notebookPath(args) !== null,
      execute: async args => {
        const path = notebookPath(args);
        if (!saturnUsable()) {
          Notification.warning(
            trans.__(
              'Saturn Cloud is not available: see the Saturn Cloud section of the Saturn Panel.'
            ),
            { autoClose: 5000 }
          );
          return;
        }
        if (path === null) {
          Notification.warning(trans.__('Open or select a notebook first.'), {
            autoClose: 5000
          });
          return;
        }
        const name = PathExt.basename(path);
        const settings = options.settings();
        const check = notebookJobRequest(path, {}, settings, trans);
        if (typeof check === 'string') {
          Notification.warning(check, { autoClose: false });
          return;
        }
        if (!(await saveIfDirty(path))) {
          return;
        }
        const state: { job: IResource | null } = { job: null };
        const submit = async (
          parameters: IParameters
        ): Promise<string | null> => {
          const request = notebookJobRequest(path, parameters, settings, trans);
          if (typeof request === 'string') {
            return request;
          }
          try {
            const answer = await runNotebookJob(request);
            state.job = answer;
            if (answer) {
              model.applyResource(answer);
            }
            return null;
          } catch (error) {
            return errorDetails(error, trans);
          }
        };

        if (settings.askForParameters) {
          const body = new NotebookJobBody({
            trans,
            description: Private.describeJob(path, settings, trans),
            text: lastParameters.get(path),
            placeholder: Private.parametersCell(notebookTracker, path),
            submit: async parameters => {
              const error = await submit(parameters);
              if (!error) {
                lastParameters.set(path, formatParameters(parameters));
              }
              return error;
            }
          });
          const value = await showFormDialog({
            title: trans.__('Run %1 as a Saturn Job', name),
            body,
            acceptLabel: trans.__('Run'),
            trans,
            focusNodeSelector: 'textarea[name="parameters"]'
          });
          if (value === null) {
            return;
          }
        } else {
          const error = await submit({});
          if (error) {
            Notification.error(trans.__('Could not run %1: %2', name, error), {
              autoClose: false
            });
            return;
          }
        }

        const job = state.job;
        const run = job ? (jobRuns(job)[0] ?? null) : null;
        const actions: Notification.IAction[] = [];
        if (job && run) {
          actions.push({
            label: trans.__('Show logs'),
            caption: trans.__('Show the logs of run %1', run.name),
            displayType: 'accent',
            callback: () => void openLogs(job.key, run.name)
          });
        }
        if (job) {
          actions.push({
            label: trans.__('Show in panel'),
            caption: trans.__('Show the job %1 in the Saturn Panel', job.name),
            callback: () => showInPanel(job.key)
          });
        }
        Notification.success(trans.__('Started %1 as a Saturn job', name), {
          autoClose: false,
          actions
        });
      }
    })
  );

  // Buttons, menus and the toolbar follow the model and the current notebook.
  disposables.add(
    refreshCommandsOn(
      commands,
      Private.JOB_COMMANDS,
      notebookTracker
        ? [model.changed, notebookTracker.currentChanged]
        : [model.changed]
    )
  );

  return disposables;
}

/**
 * The job commands the palette lists (see `addPaletteItems`).
 */
export const JOB_PALETTE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.runJob,
  CommandIDs.runNotebook
];

/**
 * The context menu of job rows and run rows. (The file browser's item for
 * notebooks is declared in schema/plugin.json.)
 */
export function addJobContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  const selector = '.jp-SaturnPanel-row[data-kind="job"]';
  [CommandIDs.runJob, CommandIDs.openLogs, CommandIDs.stopRun].forEach(
    (command, i) => {
      disposables.add(
        app.contextMenu.addItem({
          command,
          selector,
          rank: 10 + i,
          args: { contextMenu: true }
        })
      );
    }
  );
  return disposables;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The job commands whose state depends on the model or the current
   * notebook.
   */
  export const JOB_COMMANDS = [
    CommandIDs.runJob,
    CommandIDs.stopRun,
    CommandIDs.openLogs,
    CommandIDs.runNotebook
  ];

  /**
   * The source of the cell tagged `parameters` of a notebook open in Lab
   * (papermill's defaults), or undefined.
   */
  export function parametersCell(
    tracker: INotebookTracker | null,
    path: string
  ): string | undefined {
    const panel = tracker?.find(w => w.context.path === path);
    const cells = panel?.content?.model?.cells;
    if (!cells) {
      return undefined;
    }
    for (let i = 0; i < cells.length; i++) {
      const cell = cells.get(i);
      const tags = cell.getMetadata('tags');
      if (Array.isArray(tags) && tags.includes('parameters')) {
        const source = cell.sharedModel.getSource().trim();
        return source || undefined;
      }
    }
    return undefined;
  }

  /**
   * What the run-as-job dialog says will happen.
   */
  export function describeJob(
    path: string,
    settings: IJobSettings,
    trans: TranslationBundle
  ): string {
    const name = PathExt.basename(path);
    const where =
      settings.jobSource === 'git'
        ? trans.__(
            'The job clones %1%2 and runs %3 from it: commit and push the notebook first.',
            settings.gitRepository,
            settings.gitReference ? ` (${settings.gitReference})` : '',
            settings.gitDirectory
              ? `${settings.gitDirectory.replace(/\/+$/, '')}/${name}`
              : name
          )
        : trans.__(
            'The saved notebook is shipped inside the job; files beside it are not.'
          );
    return trans.__(
      'Runs %1 with papermill on Saturn Cloud (one job per notebook, updated on each run). %2',
      path,
      where
    );
  }
}
