/**
 * Toasts for the starts, stops and deletions this browser tab requested.
 * Each toast follows the resource in the model: an in-progress toast whose
 * progress bar and text follow the start's progress, then success (with an
 * "Open" action) or error (with the server's message).
 */
import { Notification } from '@jupyterlab/apputils';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import { backendHeadline, backendLive, IResource, resourceLabel } from '../api';
import type { IResourceChange, ResourceModel } from '../model';
import { INotifierSettings, TRANSLATION_DOMAIN } from '../tokens';
import { howToFixActions } from './kit';

/**
 * How long a success toast without actions stays on screen (ms): the
 * default of JupyterLab's own toasts (react-toastify's 5 s, which
 * `Notification.emit` gets when no `autoClose` is given and no action is
 * offered; JupyterLab's read-only warnings pass 5000 too).
 */
export const SUCCESS_AUTO_CLOSE = 5000;

/**
 * How long a success toast offering an action ("Open", "Show logs") stays
 * on screen (ms): long enough to reach its button, after which it is still
 * in JupyterLab's notification center (the status bar's bell) with its
 * action. Errors stay until closed (`autoClose: false`).
 */
export const ACTION_AUTO_CLOSE = 10000;

/**
 * The `autoClose` of a final toast: successes and information close by
 * themselves, errors and warnings stay.
 */
export function finalAutoClose(
  type: Notification.TypeOptions,
  actions: ReadonlyArray<Notification.IAction> = []
): number | false {
  if (type === 'error' || type === 'warning') {
    return false;
  }
  return actions.length > 0 ? ACTION_AUTO_CLOSE : SUCCESS_AUTO_CLOSE;
}

/**
 * What the notifier tracks for one request.
 */
export type TrackedAction = 'start' | 'stop' | 'delete';

/**
 * Follows requested actions in the model and reports them as toasts.
 */
export class ActionNotifier implements IDisposable {
  /**
   * Create a notifier listening to a model.
   */
  constructor(options: ActionNotifier.IOptions) {
    this._model = options.model;
    this._trans = options.translator.load(TRANSLATION_DOMAIN);
    this._onOpen = options.onOpen;
    this._openInNewTab = options.openInNewTab;
    this._model.resourceChanged.connect(this._onResourceChanged, this);
    this._model.changed.connect(this._onModelChanged, this);
  }

  /**
   * The preferences in use.
   */
  settings: INotifierSettings = {
    notifyOnStartComplete: true,
    openOnReady: false
  };

  /**
   * Whether the notifier is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The keys followed now (for tests and diagnostics).
   */
  get tracked(): ReadonlyArray<string> {
    return Array.from(this._tracked.keys());
  }

  /**
   * Start following an action just requested on a resource. Call before the
   * request is sent.
   *
   * @param label - the name to show when the resource is not in the model yet
   */
  track(key: string, action: TrackedAction, label?: string): void {
    const resource = this._model.get(key);
    label = resource ? resourceLabel(resource, this._trans) : (label ?? key);
    const previous = this._tracked.get(key);
    if (previous?.toast) {
      Notification.dismiss(previous.toast);
    }
    // A new action on the resource: its own toast replaces the last outcome's.
    this._dismissOutcome(key);
    let toast: string | null = null;
    if (action !== 'start' || this.settings.notifyOnStartComplete) {
      const message = Private.pendingMessage(action, label, this._trans);
      toast = Notification.emit(message, 'in-progress', {
        autoClose: false,
        ...(action === 'start' ? { progress: 0 } : {})
      });
    }
    this._tracked.set(key, {
      action,
      label,
      toast,
      accepted: false,
      seenTransition: false
    });
  }

  /**
   * The request was accepted; `resource` is its answer, if any. The outcome
   * now comes from the model.
   */
  accepted(key: string): void {
    const tracked = this._tracked.get(key);
    if (!tracked) {
      return;
    }
    tracked.accepted = true;
    // Only a deletion may already be gone when its answer arrives.
    this._evaluate(
      key,
      this._model.get(key) ?? null,
      tracked.action === 'delete'
    );
  }

  /**
   * The request itself failed: report it and stop following.
   *
   * @param message - the server's message
   * @param hint - the server's hint on how to fix it, offered as an action
   */
  failed(key: string, message: string, hint: string | null = null): void {
    const tracked = this._tracked.get(key);
    if (!tracked) {
      return;
    }
    const text = Private.failureMessage(tracked, message, this._trans);
    this._finish(
      key,
      'error',
      text,
      howToFixActions(text, text, hint, this._trans)
    );
  }

  /**
   * Dispose of the notifier (open toasts stay).
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.resourceChanged.disconnect(this._onResourceChanged, this);
    this._model.changed.disconnect(this._onModelChanged, this);
    this._tracked.clear();
    this._outcomes.clear();
  }

  /**
   * Follow a tracked resource's change.
   */
  private _onResourceChanged(_: ResourceModel, change: IResourceChange): void {
    this._followOutcome(change.key, change.newValue);
    if (this._tracked.has(change.key)) {
      this._evaluate(change.key, change.newValue, change.newValue === null);
    }
  }

  /**
   * Decide where a tracked action stands given the resource's new state.
   *
   * @param removed - the resource is not (or no longer) in the model
   */
  private _evaluate(
    key: string,
    resource: IResource | null,
    removed: boolean
  ): void {
    const tracked = this._tracked.get(key);
    if (!tracked) {
      return;
    }
    const trans = this._trans;
    if (resource === null) {
      if (!removed) {
        return;
      }
      if (tracked.action === 'delete' && tracked.accepted) {
        this._finish(
          key,
          'success',
          trans.__('%1 was deleted.', tracked.label)
        );
      } else if (tracked.accepted) {
        this._finish(
          key,
          'error',
          trans.__('%1 is no longer listed.', tracked.label)
        );
      }
      return;
    }
    tracked.label = resourceLabel(resource, trans);
    const status = resource.status;
    switch (tracked.action) {
      case 'start':
        if (status === 'pending') {
          tracked.seenTransition = true;
          if (tracked.toast) {
            Notification.update({
              id: tracked.toast,
              type: 'in-progress',
              message: Private.progressMessage(resource, tracked.label, trans),
              autoClose: false,
              progress:
                resource.progress === null ? undefined : resource.progress / 100
            });
          }
        } else if (
          status === 'running' &&
          (tracked.accepted || tracked.seenTransition)
        ) {
          this._succeedStart(key, resource);
        } else if (
          (status === 'error' &&
            (tracked.accepted || tracked.seenTransition)) ||
          (status === 'stopped' && tracked.seenTransition)
        ) {
          this._finish(
            key,
            'error',
            Private.failureMessage(
              tracked,
              resource.message ?? trans.__('it stopped before it was ready'),
              trans
            )
          );
        }
        break;
      case 'stop':
      case 'delete':
        if (status === 'stopping') {
          tracked.seenTransition = true;
        } else if (
          status === 'stopped' &&
          tracked.action === 'stop' &&
          tracked.accepted
        ) {
          this._finish(key, 'success', trans.__('%1 stopped.', tracked.label));
        } else if (status === 'error' && tracked.accepted) {
          this._finish(
            key,
            'error',
            Private.failureMessage(
              tracked,
              resource.message ?? trans.__('unknown error'),
              trans
            )
          );
        }
        break;
    }
  }

  /**
   * A start completed.
   */
  private _succeedStart(key: string, resource: IResource): void {
    const tracked = this._tracked.get(key);
    if (!tracked) {
      return;
    }
    const trans = this._trans;
    const url = resource.url;
    let opened = false;
    if (this.settings.openOnReady && url) {
      opened = this._openInNewTab(url);
    }
    const blocked = this.settings.openOnReady && !!url && !opened;
    if (!this.settings.notifyOnStartComplete && !blocked) {
      // No completion toast wanted (and no blocked tab to make up for).
      this._finish(key, null, '');
      return;
    }
    const actions: Notification.IAction[] =
      url && !opened
        ? [
            {
              label: trans.__('Open'),
              caption: trans.__('Open %1 in a new browser tab', tracked.label),
              displayType: 'accent',
              callback: () => this._onOpen(key)
            }
          ]
        : [];
    const message = opened
      ? trans.__('%1 is ready and was opened in a new tab.', tracked.label)
      : trans.__('%1 is ready.', tracked.label);
    const toast = this._finish(key, 'success', message, actions);
    if (toast !== null) {
      // The "ready" toast follows the server from now on.
      this._outcomes.set(key, {
        toast,
        label: tracked.label,
        shownAt: Date.now()
      });
    }
  }

  /**
   * A "ready" toast whose server is no longer running says so (without its
   * "Open" action, which would open a stopped server), then closes.
   */
  private _followOutcome(key: string, resource: IResource | null): void {
    const outcome = this._outcomes.get(key);
    if (!outcome || (resource && resource.status === 'running')) {
      return;
    }
    const label = resource
      ? resourceLabel(resource, this._trans)
      : outcome.label;
    const message = resource
      ? resource.status === 'pending'
        ? this._trans.__('%1 is starting again.', label)
        : this._trans.__('%1 is no longer running.', label)
      : this._trans.__('%1 is no longer listed.', label);
    this._retireOutcome(key, message);
  }

  /**
   * The backends changed: a "ready" toast whose backend no longer answers
   * (the hub is down) loses its "Open" action and says why.
   */
  private _onModelChanged(): void {
    const config = this._model.config;
    for (const key of Array.from(this._outcomes.keys())) {
      const resource = this._model.get(key);
      if (!resource) {
        this._followOutcome(key, null);
        continue;
      }
      if (backendLive(config, resource.backend)) {
        continue;
      }
      const label = resourceLabel(resource, this._trans);
      const reason = config
        ? backendHeadline(
            config[resource.backend],
            resource.backend,
            this._trans
          )
        : null;
      this._retireOutcome(
        key,
        reason
          ? this._trans.__('%1 cannot be opened now. %2', label, reason)
          : this._trans.__('%1 cannot be opened now.', label)
      );
    }
  }

  /**
   * Turn an outcome toast into information without actions and stop
   * following it. A toast still on screen shows the change for a few
   * seconds; one already closed by itself changes in the notification
   * center only (it does not pop up again).
   */
  private _retireOutcome(key: string, message: string): void {
    const outcome = this._outcomes.get(key);
    if (!outcome) {
      return;
    }
    this._outcomes.delete(key);
    // On screen: not yet closed by itself, or kept by the pointer on it
    // (JupyterLab's toasts carry their notification's id).
    const onScreen =
      Date.now() - outcome.shownAt < ACTION_AUTO_CLOSE ||
      document.getElementById(outcome.toast) !== null;
    const updated = Notification.update({
      id: outcome.toast,
      type: 'info',
      message,
      autoClose: onScreen ? SUCCESS_AUTO_CLOSE : 0,
      actions: [],
      progress: undefined
    });
    if (!updated) {
      Notification.dismiss(outcome.toast);
    }
  }

  /**
   * Close the outcome toast of a resource's last action, if still shown.
   */
  private _dismissOutcome(key: string): void {
    const outcome = this._outcomes.get(key);
    if (outcome) {
      this._outcomes.delete(key);
      Notification.dismiss(outcome.toast);
    }
  }

  /**
   * Stop following a key, turning its toast into a final one.
   *
   * @param type - the final type, or null to just dismiss the toast
   * @returns the id of the final toast, null when none is shown
   */
  private _finish(
    key: string,
    type: 'success' | 'error' | null,
    message: string,
    actions: Notification.IAction[] = []
  ): string | null {
    const tracked = this._tracked.get(key);
    if (!tracked) {
      return null;
    }
    this._tracked.delete(key);
    if (type === null) {
      if (tracked.toast) {
        Notification.dismiss(tracked.toast);
      }
      return null;
    }
    const autoClose = finalAutoClose(type, actions);
    if (tracked.toast) {
      const updated = Notification.update({
        id: tracked.toast,
        type,
        message,
        autoClose,
        actions,
        progress:
          type === 'success' && tracked.action === 'start' ? 1 : undefined
      });
      if (updated) {
        return tracked.toast;
      }
    }
    return Notification.emit(message, type, { autoClose, actions });
  }

  private _model: ResourceModel;
  private _trans: TranslationBundle;
  private _onOpen: (key: string) => void;
  private _openInNewTab: (url: string) => boolean;
  private _tracked = new Map<string, Private.ITracked>();
  private _outcomes = new Map<
    string,
    { toast: string; label: string; shownAt: number }
  >();
  private _isDisposed = false;
}

/**
 * The namespace for `ActionNotifier` statics.
 */
export namespace ActionNotifier {
  /**
   * Options to create a notifier.
   */
  export interface IOptions {
    /**
     * The model to follow.
     */
    model: ResourceModel;
    /**
     * The application translator.
     */
    translator: ITranslator;
    /**
     * Called by a success toast's "Open" action.
     */
    onOpen: (key: string) => void;
    /**
     * Open a URL in a new tab without a user gesture (for `openOnReady`);
     * returns false when the browser blocked it.
     */
    openInNewTab: (url: string) => boolean;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * What is known of one followed action.
   */
  export interface ITracked {
    action: TrackedAction;
    label: string;
    /**
     * The toast id, null when no in-progress toast is shown.
     */
    toast: string | null;
    /**
     * Whether the request was answered with success.
     */
    accepted: boolean;
    /**
     * Whether the resource was seen pending (start) or stopping (stop).
     */
    seenTransition: boolean;
  }

  /**
   * The text of the in-progress toast.
   */
  export function pendingMessage(
    action: TrackedAction,
    label: string,
    trans: TranslationBundle
  ): string {
    switch (action) {
      case 'start':
        return trans.__('Starting %1…', label);
      case 'stop':
        return trans.__('Stopping %1…', label);
      case 'delete':
        return trans.__('Deleting %1…', label);
    }
  }

  /**
   * The text of the in-progress toast while a start runs.
   */
  export function progressMessage(
    resource: IResource,
    label: string,
    trans: TranslationBundle
  ): string {
    const head =
      resource.progress !== null && resource.progressEstimated
        ? trans.__(
            'Starting %1 (~%2%, estimate)…',
            label,
            Math.round(resource.progress)
          )
        : trans.__('Starting %1…', label);
    return resource.message ? `${head} ${resource.message}` : head;
  }

  /**
   * The text of an error toast.
   */
  export function failureMessage(
    tracked: ITracked,
    message: string,
    trans: TranslationBundle
  ): string {
    switch (tracked.action) {
      case 'start':
        return trans.__('Could not start %1: %2', tracked.label, message);
      case 'stop':
        return trans.__('Could not stop %1: %2', tracked.label, message);
      case 'delete':
        return trans.__('Could not delete %1: %2', tracked.label, message);
    }
  }
}
