/**
 * The schedule commands: put a notebook's job on a cron schedule, edit a
 * job's schedule, pause and resume it.
 */
import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import {
  editIcon,
  historyIcon,
  pauseIcon,
  runIcon
} from '@jupyterlab/ui-components';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import {
  errorDetails,
  errorMessage,
  IResource,
  jobIdFromKey,
  previewSchedule,
  resourceLabel,
  runNotebookJob,
  scheduleJob,
  unscheduleJob
} from '../api';
import {
  argKey,
  explainInPalette,
  iconOutsidePalette,
  reportError,
  saturnBlockedReason,
  saturnUsable,
  sendAndApply,
  warn,
  warnSaturnUnavailable
} from '../commands/kit';
import { pickResource, ScheduleBody, showFormDialog } from '../dialogs';
import { CommandIDs } from '../tokens';
import { describeCron } from './cron';
import { jobNotebook, jobSchedule } from './names';
import {
  argNotebookPath,
  describeNotebookJob,
  IRunNotebookOptions,
  notebookJobRequest,
  notebookParametersCell,
  notebookPathArgs,
  readyForNotebookJob
} from './notebookJob';
import { formatParameters } from './parameters';

/**
 * What the schedule commands need: what the run-notebook command needs, but opening logs.
 */
export type IScheduleCommandsOptions = Omit<IRunNotebookOptions, 'openLogs'>;

/**
 * The commands of this file, for the palette and for refreshing.
 */
export const SCHEDULE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.scheduleNotebook,
  CommandIDs.editSchedule,
  CommandIDs.pauseSchedule,
  CommandIDs.resumeSchedule
];

/**
 * Register the schedule commands.
 */
export function addScheduleCommands(
  options: IScheduleCommandsOptions
): IDisposable {
  const { app, model, trans, notebookTracker } = options;
  const { commands } = app;
  const disposables = new DisposableSet();
  // The parameters last typed for each notebook, offered again.
  const lastParameters = new Map<string, string>();

  const jobKey = (args: ReadonlyPartialJSONObject): string | null =>
    argKey(app, model, args, true);
  const argJob = (args: ReadonlyPartialJSONObject): IResource | undefined => {
    const key = jobKey(args);
    return key !== null ? model.get(key) : undefined;
  };
  const preview = (cron: string, signal: AbortSignal) =>
    previewSchedule(cron, { signal });
  const errorText = (error: unknown) => errorMessage(error, trans);
  const scheduleArgs = {
    args: {
      type: 'object' as const,
      properties: {
        key: {
          type: 'string' as const,
          description: trans.__('Job key: saturn/job/{id}')
        }
      }
    }
  };

  /**
   * The job a command acts on, asking which one when not given.
   */
  const pickJob = async (
    args: ReadonlyPartialJSONObject,
    eligible: (job: IResource) => boolean,
    title: string,
    acceptLabel: string
  ): Promise<IResource | null> => {
    const key = jobKey(args);
    if (key !== null) {
      const job = model.get(key);
      if (!job) {
        warn(trans.__('No Saturn job "%1".', key));
        return null;
      }
      return job;
    }
    const picked = await pickResource({
      title,
      acceptLabel,
      emptyMessage: trans.__('No Saturn job can be changed so right now.'),
      resources: model.resources.filter(
        r => r.kind === 'job' && !model.isBusy(r.key) && eligible(r)
      ),
      trans
    });
    return picked !== null ? (model.get(picked) ?? null) : null;
  };

  disposables.add(
    commands.addCommand(CommandIDs.scheduleNotebook, {
      label: args =>
        args.isPalette
          ? trans.__('Schedule Notebook as Saturn Job…')
          : trans.__('Schedule Notebook…'),
      caption: () =>
        saturnBlockedReason(model, trans) ??
        trans.__(
          'Run this notebook as a Saturn Cloud job on a schedule (cron, UTC), saving it first'
        ),
      icon: iconOutsidePalette(historyIcon),
      describedBy: notebookPathArgs(trans),
      isEnabled: args =>
        (saturnUsable(model) &&
          argNotebookPath(args, options.fileBrowser, notebookTracker) !==
            null) ||
        explainInPalette(args, saturnBlockedReason(model, trans)),
      execute: async args => {
        const path = argNotebookPath(
          args,
          options.fileBrowser,
          notebookTracker
        );
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
        // The notebook's job, when it has one: its schedule is offered.
        const existing = model.resources.find(
          r => r.kind === 'job' && jobNotebook(r) === path
        );
        const current = existing ? jobSchedule(existing).schedule : null;
        const state: { job: IResource | null } = { job: null };
        const body = new ScheduleBody({
          trans,
          description: trans.__(
            '%1 Each scheduled run starts by itself and appears in the Jobs section.',
            describeNotebookJob(path, settings, trans)
          ),
          schedule: current ?? undefined,
          withParameters: true,
          text: lastParameters.get(path),
          placeholder: notebookParametersCell(notebookTracker, path),
          preview,
          errorText,
          submit: async value => {
            const request = notebookJobRequest(
              path,
              value.parameters,
              settings,
              trans
            );
            if (typeof request === 'string') {
              return request;
            }
            try {
              const answer = await runNotebookJob({
                ...request,
                schedule: value.schedule
              });
              state.job = answer;
              if (answer) {
                model.applyResource(answer);
              }
              lastParameters.set(path, formatParameters(value.parameters));
              return null;
            } catch (error) {
              return errorDetails(error, trans);
            }
          }
        });
        const value = await showFormDialog({
          title: trans.__('Schedule %1', name),
          body,
          acceptLabel: trans.__('Schedule'),
          trans,
          focusNodeSelector: 'select[name="frequency"]'
        });
        if (value === null) {
          return;
        }
        const job = state.job;
        Notification.success(
          trans.__(
            'Scheduled %1: %2.',
            name,
            describeCron(value.schedule, trans)
          ),
          {
            autoClose: 10000,
            actions: job
              ? [
                  {
                    label: trans.__('Show in panel'),
                    caption: trans.__(
                      'Show the job of %1 in the Saturn Panel',
                      resourceLabel(job, trans)
                    ),
                    callback: () => options.showInPanel(job.key)
                  }
                ]
              : []
          }
        );
      }
    })
  );

  /**
   * Whether a schedule command may act on a job now.
   */
  const canChange = (job: IResource | undefined): job is IResource =>
    !!job && saturnUsable(model) && !model.isBusy(job.key);

  disposables.add(
    commands.addCommand(CommandIDs.editSchedule, {
      label: args => {
        const job = argJob(args);
        if (args.isPalette || !job) {
          return trans.__('Edit Saturn Job Schedule…');
        }
        return jobSchedule(job).schedule
          ? trans.__('Edit the schedule of %1', resourceLabel(job, trans))
          : trans.__('Schedule %1…', resourceLabel(job, trans));
      },
      caption: () =>
        saturnBlockedReason(model, trans) ??
        trans.__('Change when a Saturn job runs (cron, UTC)'),
      icon: iconOutsidePalette(editIcon),
      describedBy: scheduleArgs,
      isEnabled: args => {
        const key = jobKey(args);
        if (key === null) {
          return saturnUsable(model);
        }
        return canChange(model.get(key));
      },
      isVisible: args => args.contextMenu !== true || !!argJob(args),
      execute: async args => {
        if (!saturnUsable(model)) {
          warnSaturnUnavailable(trans, model);
          return;
        }
        const job = await pickJob(
          args,
          () => true,
          trans.__('Edit the Schedule of a Saturn Job'),
          trans.__('Edit')
        );
        const id = job ? jobIdFromKey(job.key) : null;
        if (!job || id === null) {
          return;
        }
        const label = resourceLabel(job, trans);
        const current = jobSchedule(job).schedule;
        const body = new ScheduleBody({
          trans,
          description: current
            ? trans.__('%1 runs %2.', label, describeCron(current, trans))
            : trans.__('%1 has no schedule yet.', label),
          schedule: current ?? undefined,
          withParameters: false,
          preview,
          errorText,
          submit: async value => {
            try {
              await sendAndApply(model, job.key, () =>
                scheduleJob(id, value.schedule)
              );
              return null;
            } catch (error) {
              return errorDetails(error, trans);
            }
          }
        });
        await showFormDialog({
          title: trans.__('Schedule of %1', label),
          body,
          acceptLabel: trans.__('Save'),
          trans,
          focusNodeSelector: 'select[name="frequency"]'
        });
      }
    })
  );

  /**
   * Pause or resume a job's schedule.
   */
  const addPauseResume = (pause: boolean) =>
    commands.addCommand(
      pause ? CommandIDs.pauseSchedule : CommandIDs.resumeSchedule,
      {
        label: args => {
          const job = argJob(args);
          if (args.isPalette || !job) {
            return pause
              ? trans.__('Pause Saturn Job Schedule…')
              : trans.__('Resume Saturn Job Schedule…');
          }
          const label = resourceLabel(job, trans);
          return pause
            ? trans.__('Pause the schedule of %1', label)
            : trans.__('Resume the schedule of %1', label);
        },
        caption: () =>
          saturnBlockedReason(model, trans) ??
          (pause
            ? trans.__(
                'Stop scheduled runs of a Saturn job (the schedule is kept)'
              )
            : trans.__('Run a Saturn job on its schedule again')),
        icon: iconOutsidePalette(pause ? pauseIcon : runIcon),
        describedBy: scheduleArgs,
        isEnabled: args => {
          const key = jobKey(args);
          if (key === null) {
            return saturnUsable(model);
          }
          const job = model.get(key);
          if (!canChange(job)) {
            return false;
          }
          const schedule = jobSchedule(job);
          return schedule.schedule !== null && schedule.scheduled === pause;
        },
        isVisible: args => {
          if (args.contextMenu !== true) {
            return true;
          }
          const job = argJob(args);
          if (!job) {
            return false;
          }
          const schedule = jobSchedule(job);
          return schedule.schedule !== null && schedule.scheduled === pause;
        },
        execute: async args => {
          if (!saturnUsable(model)) {
            warnSaturnUnavailable(trans, model);
            return;
          }
          const job = await pickJob(
            args,
            r => {
              const s = jobSchedule(r);
              return s.schedule !== null && s.scheduled === pause;
            },
            pause
              ? trans.__('Pause the Schedule of a Saturn Job')
              : trans.__('Resume the Schedule of a Saturn Job'),
            pause ? trans.__('Pause') : trans.__('Resume')
          );
          const id = job ? jobIdFromKey(job.key) : null;
          if (!job || id === null) {
            return;
          }
          const label = resourceLabel(job, trans);
          try {
            await sendAndApply(model, job.key, () =>
              pause ? unscheduleJob(id) : scheduleJob(id)
            );
          } catch (error) {
            reportError(
              pause
                ? trans.__('Could not pause the schedule of %1', label)
                : trans.__('Could not resume the schedule of %1', label),
              error,
              trans
            );
          }
        }
      }
    );
  disposables.add(addPauseResume(true));
  disposables.add(addPauseResume(false));

  return disposables;
}
