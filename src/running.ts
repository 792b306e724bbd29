/**
 * The panel's resources in JupyterLab's Running panel ("Sessions and Tabs"),
 * where people look for what runs: running hub servers, Saturn workspaces and
 * job runs in progress, each in its own section with Open and Shut Down.
 *
 * The sections are fed by the panel's model, never by reads of their own: the
 * Running panel's refresh button refreshes nothing upstream. While the Running
 * panel is shown, it counts as a look at the panel (the server then reads the
 * backends, see `LiveUpdates.watching`).
 */
import type {
  IRunningSessionManagers,
  IRunningSessions
} from '@jupyterlab/running';
import type { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { DisposableSet, IDisposable } from '@lumino/disposable';
import {
  IMessageHandler,
  Message,
  MessageHook,
  MessageLoop
} from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import type { IResource } from './api';
import { activeRun, shortRunName } from './api/runs';
import { saturnJobIcon, saturnPanelIcon } from './icons';
import type { ResourceModel } from './model';
import { CommandIDs } from './tokens';

/**
 * Statuses listed in the Running panel: on their way up, up, or going down.
 */
const LISTED = new Set(['pending', 'running', 'stopping']);

/**
 * One section of the Running panel over a slice of the model.
 */
class ResourceSection implements IRunningSessions.IManager, IDisposable {
  constructor(
    readonly name: string,
    private readonly _items: () => IRunningSessions.IRunningItem[],
    private readonly _shutdownAll: () => void,
    private readonly _model: ResourceModel,
    trans: TranslationBundle,
    noun: string
  ) {
    this.shutdownLabel = trans.__('Shut Down');
    this.shutdownAllLabel = trans.__('Shut Down All');
    this.shutdownAllConfirmationText = () =>
      trans.__(
        'Are you sure you want to stop all %1 %2 listed here?',
        this._items().length,
        noun
      );
    _model.changed.connect(this._onChanged, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (!this._isDisposed) {
      this._isDisposed = true;
      this._model.changed.disconnect(this._onChanged, this);
    }
  }

  readonly shutdownLabel: string;
  readonly shutdownAllLabel: string;
  readonly shutdownAllConfirmationText: () => string;

  get runningChanged(): ISignal<this, void> {
    return this._runningChanged;
  }

  running(): IRunningSessions.IRunningItem[] {
    return this._items();
  }

  /**
   * The Running panel's refresh: the model is kept current by the live
   * updates, so this only redraws (no upstream read).
   */
  refreshRunning(): void {
    this._runningChanged.emit();
  }

  shutdownAll(): void {
    this._shutdownAll();
  }

  private _onChanged(): void {
    this._runningChanged.emit();
  }

  private _isDisposed = false;
  private _runningChanged = new Signal<this, void>(this);
}

/**
 * Add the panel's sections to the Running panel; disposing removes them.
 */
export function addRunningSections(
  managers: IRunningSessionManagers,
  model: ResourceModel,
  commands: CommandRegistry,
  trans: TranslationBundle
): IDisposable {
  const stop = (key: string) => {
    void commands.execute(CommandIDs.stop, { key });
  };
  const item = (
    resource: IResource,
    label: string,
    detail: string,
    icon: LabIcon
  ): IRunningSessions.IRunningItem => ({
    icon: () => icon,
    label: () => label,
    labelTitle: () =>
      resource.message ? `${label} · ${resource.message}` : label,
    detail: () => detail,
    className: `jp-SaturnPanel-running jp-mod-${resource.status}`,
    context: resource.key,
    open:
      resource.status === 'running' && resource.url
        ? () => void commands.execute(CommandIDs.open, { key: resource.key })
        : undefined,
    shutdown: resource.actions.includes('stop')
      ? () => stop(resource.key)
      : undefined
  });
  const status = (resource: IResource): string =>
    resource.status === 'pending' && resource.progress !== null
      ? trans.__('starting %1%', resource.progress)
      : resource.status === 'pending'
        ? trans.__('starting')
        : resource.status === 'stopping'
          ? trans.__('stopping')
          : trans.__('running');

  // Every resource of a kind, whatever the panel's filter shows.
  const listed = (backend: IResource['backend'], kind: IResource['kind']) =>
    model.resources.filter(
      r => r.backend === backend && r.kind === kind && LISTED.has(r.status)
    );
  const servers = () =>
    listed('hub', 'server').map(r => item(r, r.id, status(r), saturnPanelIcon));
  const workspaces = () =>
    listed('saturn', 'workspace').map(r =>
      item(r, r.displayName || r.name, status(r), saturnPanelIcon)
    );
  const runs = (): IRunningSessions.IRunningItem[] => {
    const items: IRunningSessions.IRunningItem[] = [];
    for (const job of model.resources) {
      const run = job.backend === 'saturn' ? activeRun(job) : null;
      if (run) {
        const label = `${job.displayName || job.name} · ${shortRunName(run.name, job.id)}`;
        items.push({
          icon: () => saturnJobIcon,
          label: () => label,
          labelTitle: () => label,
          detail: () => run.status,
          className: `jp-SaturnPanel-running jp-mod-${run.status}`,
          context: job.key,
          open: () =>
            void commands.execute(CommandIDs.openLogs, {
              key: job.key,
              run: run.name
            }),
          shutdown: () =>
            void commands.execute(CommandIDs.stopRun, {
              key: job.key,
              run: run.name
            })
        });
      }
    }
    return items;
  };
  const stopAll = (list: () => IRunningSessions.IRunningItem[]) => () => {
    for (const entry of list()) {
      entry.shutdown?.();
    }
  };

  const sections = [
    new ResourceSection(
      trans.__('JupyterHub Servers'),
      servers,
      stopAll(servers),
      model,
      trans,
      trans.__('servers')
    ),
    new ResourceSection(
      trans.__('Saturn Workspaces'),
      workspaces,
      stopAll(workspaces),
      model,
      trans,
      trans.__('workspaces')
    ),
    new ResourceSection(
      trans.__('Saturn Job Runs'),
      runs,
      stopAll(runs),
      model,
      trans,
      trans.__('job runs')
    )
  ];
  const added = new DisposableSet();
  for (const section of sections) {
    added.add(managers.add(section));
  }
  for (const section of sections) {
    added.add(section);
  }
  return added;
}

/**
 * Calls `onChange(shown)` whenever `widget` is shown or hidden (the Running
 * sidebar has no signal of its own for it).
 */
export function watchVisibility(
  widget: Widget,
  onChange: (shown: boolean) => void
): IDisposable {
  const hook: MessageHook = (_: IMessageHandler, message: Message) => {
    if (message.type === 'after-show' || message.type === 'after-hide') {
      // After the message is handled, so that isVisible is up to date.
      requestAnimationFrame(() => onChange(widget.isVisible));
    }
    return true;
  };
  MessageLoop.installMessageHook(widget, hook);
  onChange(widget.isVisible);
  return {
    isDisposed: false,
    dispose() {
      MessageLoop.removeMessageHook(widget, hook);
    }
  };
}
