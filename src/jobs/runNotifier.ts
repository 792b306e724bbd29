/**
 * Toasts for job runs that finish while this tab watches them: success when
 * a run completes, error when it fails, info when it was stopped; each with
 * an action that opens the run's logs.
 */
import { Notification } from '@jupyterlab/apputils';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import { resourceLabel, runDuration } from '../api';
import { finalAutoClose } from '../commands/actionNotifier';
import { formatDuration } from '../time';
import { TRANSLATION_DOMAIN } from '../tokens';
import { runName } from './names';
import type { IRunFinished, RunWatcher } from './runWatcher';

/**
 * The `data` of a notification about one run of a job (the "Started … as a
 * Saturn job" toast): the run's end updates that notification in place
 * rather than adding another.
 */
export function runNotificationData(
  jobKey: string,
  run: string
): { saturnRun: { job: string; run: string } } {
  return { saturnRun: { job: jobKey, run } };
}

/**
 * The notification about a run already shown, if any.
 */
function runNotification(
  jobKey: string,
  run: string
): Notification.INotification | undefined {
  return Notification.manager.notifications.find(notification => {
    const data = notification.options.data as
      { saturnRun?: { job?: unknown; run?: unknown } } | undefined;
    return (
      typeof data === 'object' &&
      data !== null &&
      data.saturnRun?.job === jobKey &&
      data.saturnRun?.run === run
    );
  });
}

/**
 * Turns the watcher's finished runs into toasts.
 */
export class RunNotifier implements IDisposable {
  /**
   * Create a notifier on a watcher.
   */
  constructor(options: RunNotifier.IOptions) {
    this._watcher = options.watcher;
    this._trans = options.translator.load(TRANSLATION_DOMAIN);
    this._openLogs = options.openLogs;
    this._watcher.runFinished.connect(this._onFinished, this);
  }

  /**
   * Whether completed and stopped runs are announced; failures always are
   * (the `notifyOnRunComplete` setting).
   */
  notifyOnComplete = true;

  /**
   * Whether the notifier is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Dispose of the notifier (open toasts stay).
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._watcher.runFinished.disconnect(this._onFinished, this);
  }

  /**
   * Announce one finished run.
   */
  private _onFinished(_: RunWatcher, finished: IRunFinished): void {
    const { job, run } = finished;
    const status = run.status;
    if (status !== 'error' && !this.notifyOnComplete) {
      return;
    }
    const trans = this._trans;
    const label = resourceLabel(job, trans);
    const seconds = runDuration(run, Date.now());
    const actions: Notification.IAction[] = [
      {
        label: trans.__('Show logs'),
        caption: trans.__('Show the logs of %1', runName(run, trans)),
        displayType: status === 'error' ? 'accent' : 'default',
        callback: () => this._openLogs(job.key, run.name)
      }
    ];
    let message: string;
    let type: Notification.TypeOptions;
    switch (status) {
      case 'completed':
        type = 'success';
        message =
          seconds === null
            ? trans.__('The run of the Saturn job %1 completed.', label)
            : trans.__(
                'The run of the Saturn job %1 completed in %2.',
                label,
                formatDuration(seconds, trans)
              );
        break;
      case 'error':
        type = 'error';
        message = trans.__(
          'The run of the Saturn job %1 failed. Its logs may say why.',
          label
        );
        break;
      default:
        type = 'info';
        message = trans.__('The run of the Saturn job %1 was stopped.', label);
        break;
    }
    // Completed and stopped close by themselves (still in the notification
    // center with their "Show logs"); a failure stays until closed.
    const autoClose = finalAutoClose(type, actions);
    // One notification per run: the one that said it started, if shown.
    const started = runNotification(job.key, run.name);
    if (
      started &&
      Notification.update({
        id: started.id,
        message,
        type,
        autoClose,
        actions,
        progress: undefined
      })
    ) {
      return;
    }
    Notification.emit(message, type, {
      autoClose,
      actions,
      data: runNotificationData(job.key, run.name)
    });
  }

  private _watcher: RunWatcher;
  private _trans: TranslationBundle;
  private _openLogs: (key: string, run: string) => void;
  private _isDisposed = false;
}

/**
 * The namespace for `RunNotifier` statics.
 */
export namespace RunNotifier {
  /**
   * Options to create a run notifier.
   */
  export interface IOptions {
    watcher: RunWatcher;
    translator: ITranslator;
    /**
     * Open a run's logs (the toasts' "Show logs" action).
     */
    openLogs: (key: string, run: string) => void;
  }
}
