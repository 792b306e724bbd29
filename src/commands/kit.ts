/**
 * What every command shares: reading the resource a command runs on, sending
 * a request while the resource is marked busy and applying its answer,
 * opening tabs, reporting errors, and keeping buttons and menus current.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showErrorMessage } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { LabIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

import {
  abilityReason,
  Backend,
  backendBlockedReason,
  errorHint,
  errorMessage,
  IResource,
  isUsable,
  refreshBackends,
  ResourceAction,
  resourceLabel
} from '../api';
import type { ResourceModel } from '../model';

/**
 * The class of a resource row (its `data-key` names the resource).
 */
export const ROW_CLASS = 'jp-SaturnPanel-row';

/**
 * The class of a run row (its `data-run` names the run).
 */
export const RUN_CLASS = 'jp-SaturnPanel-run';

/**
 * A data attribute of the element under the context menu that has `className`,
 * or null.
 *
 * @param name - the `dataset` name (`key` for `data-key`)
 */
export function contextMenuData(
  app: JupyterFrontEnd,
  className: string,
  name: string
): string | null {
  const node = app.contextMenuHitTest(
    n => n.classList.contains(className) && !!n.dataset[name]
  );
  return node?.dataset[name] ?? null;
}

/**
 * The key of the resource a command runs on: its `key` argument, else (with
 * `byJobName`) the job named by its `name` argument, else the row under the
 * context menu.
 */
export function argKey(
  app: JupyterFrontEnd,
  model: ResourceModel,
  args: ReadonlyPartialJSONObject,
  byJobName = false
): string | null {
  if (typeof args.key === 'string') {
    return args.key;
  }
  if (byJobName && typeof args.name === 'string') {
    return model.findJob(args.name)?.key ?? null;
  }
  if (args.contextMenu === true) {
    return contextMenuData(app, ROW_CLASS, 'key');
  }
  return null;
}

/**
 * Send a request on a resource while it is marked busy, and apply the
 * resource it answers, unless the event stream already told something newer.
 *
 * @param busy - mark the resource busy meanwhile (default true)
 * @returns the answer
 */
export async function sendAndApply(
  model: ResourceModel,
  key: string,
  request: () => Promise<IResource | null>,
  busy = true
): Promise<IResource | null> {
  const revision = model.revision(key);
  if (busy) {
    model.setBusy(key, true);
  }
  try {
    const answer = await request();
    if (answer && answer.key === key) {
      model.applyResource(answer, revision);
    }
    return answer;
  } finally {
    if (busy) {
      model.setBusy(key, false);
    }
  }
}

/**
 * Open a URL in a new browser tab, detached from this page.
 *
 * @returns false when the browser blocked the popup
 */
export function openInNewTab(url: string): boolean {
  const opened = window.open(url, '_blank');
  if (!opened) {
    return false;
  }
  try {
    opened.opener = null;
  } catch {
    // Cross-origin: nothing to detach.
  }
  return true;
}

/**
 * The "How to fix" action of an error toast that has a hint: it shows the
 * message and the hint in a dialog.
 */
export function howToFixActions(
  title: string,
  message: string,
  hint: string | null,
  trans: TranslationBundle
): Notification.IAction[] {
  return hint
    ? [
        {
          label: trans.__('How to fix'),
          caption: hint,
          callback: () =>
            void showErrorMessage(title, { message: `${message}\n\n${hint}` }, [
              Dialog.okButton({ label: trans.__('OK') })
            ])
        }
      ]
    : [];
}

/**
 * Say a request failed, with the server's message and its hint.
 *
 * @param text - what failed ("Could not run X")
 */
export function reportError(
  text: string,
  error: unknown,
  trans: TranslationBundle
): void {
  const hint = errorHint(error);
  const message = trans.__('%1: %2', text, errorMessage(error, trans));
  Notification.error(hint ? `${message} ${hint}` : message, {
    autoClose: false,
    actions: howToFixActions(text, message, hint, trans)
  });
}

/**
 * A short warning toast.
 */
export function warn(message: string): void {
  Notification.warning(message, { autoClose: 5000 });
}

/**
 * Whether Saturn Cloud can be used now: configured, answering, and its last
 * read worked (not a last known state).
 */
export function saturnUsable(model: ResourceModel): boolean {
  const saturn = model.config?.saturn ?? null;
  return isUsable(saturn) && !saturn?.stale;
}

/**
 * Why Saturn Cloud cannot be used now (for a caption, a launcher card, a
 * warning), or null when it can.
 */
export function saturnBlockedReason(
  model: ResourceModel,
  trans: TranslationBundle
): string | null {
  if (saturnUsable(model)) {
    return null;
  }
  return (
    backendBlockedReason(model.config, 'saturn', trans) ??
    trans.__('The state of Saturn Cloud is not known yet.')
  );
}

/**
 * Warn that Saturn Cloud cannot be used now, saying why when the model is
 * given.
 */
export function warnSaturnUnavailable(
  trans: TranslationBundle,
  model?: ResourceModel
): void {
  const reason = model ? saturnBlockedReason(model, trans) : null;
  warn(
    reason ??
      trans.__(
        'Saturn Cloud is not available: see the Saturn Cloud section of the Saturn Panel.'
      )
  );
}

/**
 * Why an action cannot be taken on a resource now, or null when it can:
 * the resource is unknown, its backend is not configured or does not answer
 * (its state is the last known), the token lacks a scope, a request on it
 * is in flight, or its status does not allow the action.
 *
 * @param now - the current time (epoch ms), for "as of ..."
 */
export function actionBlockedReason(
  model: ResourceModel,
  key: string,
  action: ResourceAction,
  trans: TranslationBundle,
  now: number = Date.now()
): string | null {
  const resource = model.get(key);
  if (!resource) {
    return trans.__('No server, workspace or job "%1".', key);
  }
  if (model.canDo(key, action)) {
    return null;
  }
  const label = resourceLabel(resource, trans);
  const backend =
    backendBlockedReason(model.config, resource.backend, trans, now) ??
    (resource.backend === 'saturn' && !saturnUsable(model)
      ? saturnBlockedReason(model, trans)
      : null);
  if (backend) {
    return backend;
  }
  if (resource.actions.includes(action)) {
    const ability = abilityReason(
      model.config,
      resource.backend,
      action,
      trans
    );
    if (ability) {
      return ability;
    }
  }
  if (model.isBusy(key)) {
    return trans.__('%1 is busy with another request.', label);
  }
  switch (action) {
    case 'start':
      return trans.__(
        '%1 cannot be started now (status: %2).',
        label,
        resource.status
      );
    case 'stop':
      return trans.__(
        '%1 cannot be stopped now (status: %2).',
        label,
        resource.status
      );
    case 'restart':
      return trans.__(
        '%1 cannot be restarted now (status: %2).',
        label,
        resource.status
      );
    case 'open':
      return trans.__('%1 is not running.', label);
    case 'logs':
      return resource.kind === 'deployment'
        ? trans.__('%1 is not running: it has no live logs.', label)
        : trans.__('%1 has no logs to show here.', label);
    case 'delete':
      return trans.__(
        '%1 cannot be deleted now: only a stopped named server can.',
        label
      );
    case 'run':
      return resource.kind === 'job'
        ? trans.__('%1 cannot be run now (status: %2).', label, resource.status)
        : trans.__('%1 is not a job.', label);
  }
}

/**
 * Why a job cannot be run now (Saturn Cloud unusable, or the job's own
 * state), or null when it can or the job is not known: for the run command's
 * caption, so launcher cards and the palette say why.
 */
export function runBlockedReason(
  model: ResourceModel,
  key: string | null,
  trans: TranslationBundle
): string | null {
  const saturn = saturnBlockedReason(model, trans);
  if (saturn) {
    return saturn;
  }
  return key !== null && model.get(key)
    ? actionBlockedReason(model, key, 'run', trans)
    : null;
}

/**
 * Whether a blocked command stays enabled because it is shown in the command
 * palette: JupyterLab hides disabled palette entries, which would be a silent
 * disable; enabled, the entry shows its caption (the reason) and running it
 * says why nothing happens.
 *
 * @param reason - why the command is blocked now, or null
 */
export function explainInPalette(
  args: ReadonlyPartialJSONObject,
  reason: string | null
): boolean {
  return args.isPalette === true && reason !== null;
}

/**
 * Read a backend again now (a notice's Retry): the backend is marked
 * refreshing meanwhile, and the configuration it answers is applied (the
 * resources follow on the event stream).
 *
 * @returns whether the request succeeded
 */
export async function retryBackend(
  model: ResourceModel,
  backend: Backend,
  trans: TranslationBundle
): Promise<boolean> {
  if (model.isRefreshing(backend)) {
    return false;
  }
  model.setRefreshing(backend, true);
  try {
    model.applyBackends(await refreshBackends(backend));
    return true;
  } catch (error) {
    reportError(trans.__('Could not retry'), error, trans);
    return false;
  } finally {
    model.setRefreshing(backend, false);
  }
}

/**
 * A command's icon: none in the palette, `icon` elsewhere.
 */
export function iconOutsidePalette(
  icon: LabIcon
): (args: ReadonlyPartialJSONObject) => LabIcon | undefined {
  return args => (args.isPalette ? undefined : icon);
}

/**
 * Tell the command registry that `ids` may have changed (label, enabled,
 * visible) whenever one of `signals` fires, at most once per event-loop turn:
 * a burst of model changes costs one refresh of buttons, menus and palette.
 */
export function refreshCommandsOn(
  commands: CommandRegistry,
  ids: readonly string[],
  signals: ISignal<unknown, unknown>[]
): IDisposable {
  let scheduled = false;
  const notify = () => {
    if (scheduled) {
      return;
    }
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      for (const id of ids) {
        if (commands.hasCommand(id)) {
          commands.notifyCommandChanged(id);
        }
      }
    }, 0);
  };
  signals.forEach(signal => signal.connect(notify));
  return new DisposableDelegate(() =>
    signals.forEach(signal => signal.disconnect(notify))
  );
}
