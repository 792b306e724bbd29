/**
 * Running a notebook as a Saturn job with papermill: the request the
 * settings make, and the `saturn-panel:run-notebook` command.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  ReadonlyJSONObject,
  ReadonlyPartialJSONObject
} from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import {
  errorDetails,
  INotebookJobRequest,
  IParameters,
  IResource,
  jobRuns,
  resourceLabel,
  runNotebookJob
} from '../api';
import {
  explainInPalette,
  iconOutsidePalette,
  reportError,
  saturnBlockedReason,
  saturnUsable,
  warn,
  warnSaturnUnavailable
} from '../commands/kit';
import { NotebookJobBody, showFormDialog } from '../dialogs';
import { saturnJobIcon } from '../icons';
import type { ResourceModel } from '../model';
import { CommandIDs, IJobSettings } from '../tokens';
import type { OpenLogs } from './logTabs';
import { runName } from './names';
import { formatParameters } from './parameters';
import { runNotificationData } from './runNotifier';

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
 * What the run-notebook command needs.
 */
export interface IRunNotebookOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  trans: TranslationBundle;
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
   * Open a run's logs.
   */
  openLogs: OpenLogs;
  /**
   * Show a job's row in the panel.
   */
  showInPanel: (key: string) => void;
}

/**
 * Register `saturn-panel:run-notebook`.
 */
export function addRunNotebookCommand(
  options: IRunNotebookOptions
): IDisposable {
  const { app, model, trans, notebookTracker, openLogs } = options;
  // The parameters last typed for each notebook, offered again.
  const lastParameters = new Map<string, string>();

  const notebookPath = (args: ReadonlyPartialJSONObject): string | null =>
    argNotebookPath(args, options.fileBrowser, notebookTracker);

  return app.commands.addCommand(CommandIDs.runNotebook, {
    label: args =>
      args.isPalette
        ? trans.__('Run Notebook as Saturn Job…')
        : trans.__('Run as Saturn Job…'),
    caption: () =>
      saturnBlockedReason(model, trans) ??
      trans.__(
        'Run this notebook as a Saturn Cloud job (papermill), saving it first'
      ),
    icon: iconOutsidePalette(saturnJobIcon),
    describedBy: notebookPathArgs(trans),
    isEnabled: args =>
      (saturnUsable(model) && notebookPath(args) !== null) ||
      explainInPalette(args, saturnBlockedReason(model, trans)),
    execute: async args => {
      const path = notebookPath(args);
      const settings = options.settings();
      const ready = await readyForNotebookJob(
        model,
        path,
        settings,
        notebookTracker,
        trans
      );
      if (!ready || path === null) {
        return;
      }
      const name = PathExt.basename(path);
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
          caption: trans.__('Show the logs of %1', runName(run, trans, false)),
          displayType: 'accent',
          callback: () => void openLogs(job.key, run.name)
        });
      }
      if (job) {
        actions.push({
          label: trans.__('Show in panel'),
          caption: trans.__(
            'Show the job of %1 in the Saturn Panel',
            resourceLabel(job, trans)
          ),
          callback: () => options.showInPanel(job.key)
        });
      }
      Notification.success(trans.__('Started %1 as a Saturn job', name), {
        // Closes by itself, as every success toast (see actionNotifier.ts).
        autoClose: actions.length > 0 ? 10000 : 5000,
        actions,
        // The run's end updates this toast (runNotifier.ts).
        ...(job && run ? { data: runNotificationData(job.key, run.name) } : {})
      });
    }
  });
}

/**
 * The notebook a command runs on: its `path` argument, else (from the file
 * browser's context menu, `fromFileBrowser`) the selected notebook, else the
 * current notebook.
 */
/**
 * The arguments of a command that acts on one notebook, for the palette and other extensions.
 */
export function notebookPathArgs(trans: TranslationBundle): {
  args: ReadonlyJSONObject;
} {
  return {
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
  };
}

export function argNotebookPath(
  args: ReadonlyPartialJSONObject,
  fileBrowser: IDefaultFileBrowser | null,
  notebookTracker: INotebookTracker | null
): string | null {
  if (typeof args.path === 'string') {
    return args.path;
  }
  if (args.fromFileBrowser === true) {
    if (!fileBrowser) {
      return null;
    }
    for (const item of fileBrowser.selectedItems()) {
      if (item.type === 'notebook' || item.path.endsWith('.ipynb')) {
        return item.path;
      }
    }
    return null;
  }
  return notebookTracker?.currentWidget?.context.path ?? null;
}

/**
 * Save a notebook open in Lab when it has unsaved changes.
 *
 * @returns whether the saved file is what Lab shows (false: not saved)
 */
/**
 * The checks of both notebook-job commands (run now, on a schedule) before
 * their dialog: Saturn usable, a notebook chosen, settings that make a
 * request, then the notebook saved. Says what is wrong and answers false
 * when one fails.
 */
export async function readyForNotebookJob(
  model: ResourceModel,
  path: string | null,
  settings: IJobSettings,
  notebookTracker: INotebookTracker | null,
  trans: TranslationBundle
): Promise<boolean> {
  if (!saturnUsable(model)) {
    warnSaturnUnavailable(trans, model);
    return false;
  }
  if (path === null) {
    warn(trans.__('Open or select a notebook first.'));
    return false;
  }
  const check = notebookJobRequest(path, {}, settings, trans);
  if (typeof check === 'string') {
    Notification.warning(check, { autoClose: false });
    return false;
  }
  return saveNotebookIfDirty(notebookTracker, path, trans);
}

export async function saveNotebookIfDirty(
  notebookTracker: INotebookTracker | null,
  path: string,
  trans: TranslationBundle
): Promise<boolean> {
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
    reportError(
      trans.__('Could not save %1', PathExt.basename(path)),
      error,
      trans
    );
    return false;
  }
}

/**
 * The source of the cell tagged `parameters` of a notebook open in Lab
 * (papermill's defaults), or undefined.
 */
export function notebookParametersCell(
  tracker: INotebookTracker | null,
  path: string
): string | undefined {
  return Private.parametersCell(tracker, path);
}

/**
 * What the notebook-job dialogs say will happen.
 */
export function describeNotebookJob(
  path: string,
  settings: IJobSettings,
  trans: TranslationBundle
): string {
  return Private.describeJob(path, settings, trans);
}

/**
 * A module-private namespace.
 */
namespace Private {
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
