/**
 * `saturn-panel:open-output`: save a finished notebook run's executed
 * notebook (`POST saturn/jobs/{id}/runs/{run}/output`) and open it in Lab,
 * a failed run's at the cell that raised.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { notebookIcon } from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

import {
  IRun,
  isActive,
  jobIdFromKey,
  jobRuns,
  resourceLabel,
  saveRunOutput
} from '../api';
import {
  argKey,
  contextMenuData,
  iconOutsidePalette,
  reportError,
  RUN_CLASS,
  warn
} from '../commands/kit';
import { pickResource } from '../dialogs';
import type { ResourceModel } from '../model';
import { CommandIDs, IJobSettings } from '../tokens';
import { jobNotebook, runName } from './names';

/**
 * What the open-output command needs.
 */
export interface IOpenOutputOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  trans: TranslationBundle;
  settings: () => IJobSettings;
}

/**
 * Whether a run has ended, so its executed notebook can be asked for.
 */
export function isFinishedRun(run: IRun): boolean {
  return !isActive(run.status) && run.status !== 'stopping';
}

/**
 * Register `saturn-panel:open-output`.
 */
export function addOpenOutputCommand(options: IOpenOutputOptions): IDisposable {
  const { app, model, trans } = options;
  const { commands } = app;
  // The runs whose output is being fetched (`{key} {run}`).
  const pending = new Set<string>();

  const jobKey = (args: ReadonlyPartialJSONObject): string | null =>
    argKey(app, model, args, true);

  /**
   * The run a command acts on: `run`, the run under the context menu, else
   * the job's newest finished run.
   */
  const argRun = (args: ReadonlyPartialJSONObject): IRun | null => {
    const key = jobKey(args);
    const job = key !== null ? model.get(key) : undefined;
    if (!job) {
      return null;
    }
    const runs = jobRuns(job);
    let name = typeof args.run === 'string' ? args.run : null;
    if (name === null && args.contextMenu === true) {
      name = contextMenuData(app, RUN_CLASS, 'run');
    }
    if (name !== null) {
      return runs.find(r => r.name === name) ?? null;
    }
    return runs.find(isFinishedRun) ?? null;
  };

  return commands.addCommand(CommandIDs.openOutput, {
    label: args => {
      const run = argRun(args);
      if (args.isPalette || !run) {
        return trans.__('Open Output of a Notebook Run…');
      }
      return trans.__('Open the output of %1', runName(run, trans));
    },
    caption: trans.__(
      'Save the executed notebook of a finished run beside its source and open it'
    ),
    icon: iconOutsidePalette(notebookIcon),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          key: {
            type: 'string',
            description: trans.__('Job key: saturn/job/{id}')
          },
          run: { type: 'string', description: trans.__('Run name') }
        }
      }
    },
    isEnabled: args => {
      const key = jobKey(args);
      if (key === null) {
        return !args.contextMenu;
      }
      const job = model.get(key);
      const run = argRun(args);
      return (
        !!job &&
        jobNotebook(job) !== null &&
        !!run &&
        isFinishedRun(run) &&
        !pending.has(`${key} ${run.name}`)
      );
    },
    isVisible: args => {
      if (args.contextMenu !== true) {
        return true;
      }
      const key = jobKey(args);
      const job = key !== null ? model.get(key) : undefined;
      const run = argRun(args);
      return !!job && jobNotebook(job) !== null && !!run && isFinishedRun(run);
    },
    execute: async args => {
      let key = jobKey(args);
      if (key === null) {
        key = await pickResource({
          title: trans.__('Open the Output of a Notebook Run'),
          acceptLabel: trans.__('Open'),
          emptyMessage: trans.__('No notebook job has a finished run.'),
          resources: model.resources.filter(
            r =>
              r.kind === 'job' &&
              jobNotebook(r) !== null &&
              jobRuns(r).some(isFinishedRun)
          ),
          trans
        });
        if (key === null) {
          return;
        }
      }
      const job = model.get(key);
      const id = jobIdFromKey(key);
      const run = argRun({ ...args, key });
      if (!job || id === null || !run) {
        warn(trans.__('Which run is not known.'));
        return;
      }
      if (jobNotebook(job) === null) {
        warn(
          trans.__(
            '%1 runs no notebook: it has no output notebook.',
            resourceLabel(job, trans)
          )
        );
        return;
      }
      const token = `${key} ${run.name}`;
      if (pending.has(token)) {
        return;
      }
      pending.add(token);
      commands.notifyCommandChanged(CommandIDs.openOutput);
      const folder = options
        .settings()
        .outputFolder.trim()
        .replace(/^\/+|\/+$/g, '');
      let saved: { path: string; errorCell: number | null };
      try {
        saved = await saveRunOutput(id, run.name, folder || undefined);
      } catch (error) {
        reportError(
          trans.__(
            'Could not open the output of %1 of %2',
            runName(run, trans),
            resourceLabel(job, trans)
          ),
          error,
          trans
        );
        return;
      } finally {
        pending.delete(token);
        commands.notifyCommandChanged(CommandIDs.openOutput);
      }
      const widget = await commands.execute('docmanager:open', {
        path: saved.path,
        factory: 'Notebook'
      });
      if (saved.errorCell !== null) {
        await Private.revealCell(widget, saved.errorCell);
        Notification.warning(
          trans.__(
            'The run failed at cell %1: its output shows the error.',
            saved.errorCell + 1
          ),
          { autoClose: 8000 }
        );
      }
    }
  });
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Make a notebook's cell active and scroll to it, once it is shown.
   */
  export async function revealCell(
    widget: unknown,
    index: number
  ): Promise<void> {
    if (!(widget instanceof NotebookPanel)) {
      return;
    }
    try {
      await widget.context.ready;
      await widget.revealed;
      const notebook = widget.content;
      if (index < 0 || index >= notebook.widgets.length) {
        return;
      }
      notebook.activeCellIndex = index;
      await notebook.scrollToCell(notebook.widgets[index], 'center');
    } catch (reason) {
      console.warn(
        'jupyterlab-saturn-panel: could not reveal the cell',
        reason
      );
    }
  }
}
