/**
 * Every action of the panel is a command: buttons, the context menu, the
 * command palette and the file browser all run these.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  deleteIcon,
  LabIcon,
  launchIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import {
  DisposableDelegate,
  DisposableSet,
  IDisposable
} from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

import {
  createFromRecipe,
  deleteHubServer,
  IRecipeCreated,
  startHubServer,
  startResource,
  stopResource
} from './api';
import {
  confirmDelete,
  NewServerBody,
  pickResource,
  RecipeBody,
  showFormDialog
} from './dialogs';
import { saturnPanelIcon } from './icons';
import type { ResourceModel } from './model';
import type { ActionNotifier, TrackedAction } from './notifications';
import { errorDetails, errorHint, errorMessage } from './request';
import {
  hubServerKey,
  IResource,
  isDefaultServer,
  isUsable,
  ResourceAction,
  resourceLabel
} from './resource';

/**
 * The command ids.
 */
export namespace CommandIDs {
  /**
   * Show the panel. No args.
   */
  export const openPanel = 'saturn-panel:open-panel';
  /**
   * Re-read the configuration and reconnect the live updates. No args.
   */
  export const refresh = 'saturn-panel:refresh';
  /**
   * Start a resource. Args `{key?: string}`; asks which one without `key`.
   */
  export const start = 'saturn-panel:start';
  /**
   * Stop a resource. Args `{key?: string}`.
   */
  export const stop = 'saturn-panel:stop';
  /**
   * Open a running resource in a new browser tab. Args `{key?: string}`.
   */
  export const open = 'saturn-panel:open';
  /**
   * Delete a stopped named hub server. Args `{key?: string}`.
   */
  export const remove = 'saturn-panel:delete';
  /**
   * Create and start a named hub server. Args
   * `{name?: string, displayName?: string, user?: string}`; without a valid
   * `name`, a dialog asks.
   */
  export const createServer = 'saturn-panel:create-server';
  /**
   * Create a Saturn resource from a recipe. Args `{path?: string}` (a `.json`
   * file to load); always shows the dialog.
   */
  export const createFromRecipe = 'saturn-panel:create-from-recipe';
  /**
   * Start a run of a Saturn job. Args `{key?: string, name?: string}` (the
   * job's resource key or name); asks which job without either. From a
   * launcher card (`isLauncher: true`), also reveals the panel and opens the
   * new run's logs.
   */
  export const runJob = 'saturn-panel:run-job';
  /**
   * Stop one run of a job. Args `{key: string, run?: string}`; without `run`,
   * the job's newest run that is still going.
   */
  export const stopRun = 'saturn-panel:stop-run';
  /**
   * Open a run's logs in a main-area tab. Args `{key: string, run?: string}`;
   * without `run`, the job's newest run.
   */
  export const openLogs = 'saturn-panel:open-logs';
  /**
   * Run a notebook as a Saturn job with papermill. Args `{path?: string}`;
   * without it, the notebook selected in the file browser (from its context
   * menu) or the current notebook.
   */
  export const runNotebook = 'saturn-panel:run-notebook';
}

/**
 * What the commands need.
 */
export interface ICommandsOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  notifier: ActionNotifier;
  translator: ITranslator;
  /**
   * The default file browser, for the `.json` context-menu item.
   */
  fileBrowser: IDefaultFileBrowser | null;
  /**
   * Re-read the configuration and reconnect the event stream.
   */
  refresh: () => Promise<void>;
  /**
   * Show the panel.
   */
  openPanel: () => void;
}

/**
 * Open a URL in a new browser tab.
 */
export function openInNewTab(url: string): void {
  window.open(url, '_blank', 'noopener');
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

/**
 * Register the commands.
 */
export function addCommands(options: ICommandsOptions): IDisposable {
  const { app, model, notifier, translator } = options;
  const { commands } = app;
  const trans = translator.load('jupyterlab_saturn_panel');
  const disposables = new DisposableSet();

  const keyArgs = {
    args: {
      type: 'object' as const,
      properties: {
        key: {
          type: 'string',
          description: trans.__(
            'Resource key: hub/{user}/{name}, saturn/workspace/{id}'
          )
        }
      }
    }
  };

  /**
   * The key a command runs on: the `key` argument, or the row under the
   * context menu.
   */
  const argKey = (args: ReadonlyPartialJSONObject): string | null => {
    if (typeof args.key === 'string') {
      return args.key;
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
   * The key to act on, asking the user when not given.
   */
  const resolveKey = async (
    args: ReadonlyPartialJSONObject,
    action: ResourceAction,
    texts: { title: string; accept: string; empty: string }
  ): Promise<string | null> => {
    const key = argKey(args);
    if (key !== null) {
      return key;
    }
    let resources = model
      .eligible(action)
      .filter(r => !Private.isJobOnly(r, action));
    if (action === 'delete') {
      resources = resources.filter(r => !isDefaultServer(r));
    }
    return pickResource({
      title: texts.title,
      acceptLabel: texts.accept,
      emptyMessage: texts.empty,
      resources,
      trans,
      showOwner: new Set(resources.map(r => r.owner)).size > 1
    });
  };

  /**
   * The resource at a key, if the action can be taken on it now; otherwise
   * say why and return null.
   */
  const checkResource = (
    key: string,
    action: ResourceAction
  ): IResource | null => {
    const resource = model.get(key);
    if (!resource) {
      Notification.warning(trans.__('No server or workspace "%1".', key), {
        autoClose: 5000
      });
      return null;
    }
    if (!model.canDo(key, action)) {
      Notification.warning(
        Private.cannotMessage(resource, action, model.isBusy(key), trans),
        { autoClose: 5000 }
      );
      return null;
    }
    return resource;
  };

  /**
   * Send a start/stop/delete request, following it with the notifier.
   */
  const runAction = async (
    resource: IResource,
    action: TrackedAction,
    request: (resource: IResource) => Promise<IResource | null>
  ): Promise<void> => {
    const key = resource.key;
    notifier.track(key, action);
    const revision = model.revision(key);
    model.setBusy(key, true);
    try {
      const answer = await request(resource);
      if (answer && answer.key === key) {
        // Skipped when the event stream already told something newer.
        model.applyResource(answer, revision);
      }
      notifier.accepted(key);
    } catch (error) {
      notifier.failed(key, errorMessage(error, trans), errorHint(error));
    } finally {
      model.setBusy(key, false);
    }
  };

  /**
   * The label of a command on a resource, or its generic label.
   */
  const label = (
    args: ReadonlyPartialJSONObject,
    withKey: (label: string) => string,
    generic: string
  ): string => {
    const key = argKey(args);
    const resource = key !== null ? model.get(key) : undefined;
    return resource ? withKey(resourceLabel(resource, trans)) : generic;
  };

  /**
   * Enabled when the resource allows the action now; without a key, when
   * some resource does.
   */
  const enabled = (
    args: ReadonlyPartialJSONObject,
    action: ResourceAction
  ): boolean => {
    const key = argKey(args);
    if (key !== null) {
      return (
        !Private.isJobOnly(model.get(key), action) && model.canDo(key, action)
      );
    }
    return (
      model.eligible(action).filter(r => !Private.isJobOnly(r, action)).length >
      0
    );
  };

  /**
   * In the context menu, show only the actions the resource offers.
   */
  const visible = (
    args: ReadonlyPartialJSONObject,
    action: ResourceAction
  ): boolean => {
    if (args.contextMenu !== true) {
      return true;
    }
    const key = argKey(args);
    const resource = key !== null ? model.get(key) : undefined;
    return (
      !!resource &&
      resource.actions.includes(action) &&
      !Private.isJobOnly(resource, action)
    );
  };

  disposables.add(
    commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Show Saturn Panel'),
      caption: trans.__('Show the Saturn Cloud and JupyterHub servers panel'),
      icon: args => (args.isPalette ? undefined : saturnPanelIcon),
      execute: () => options.openPanel()
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Servers and Workspaces'),
      caption: trans.__('Refresh servers'),
      icon: args => (args.isPalette ? undefined : refreshIcon),
      execute: () => options.refresh()
    })
  );

  /**
   * A command acting on one resource (`{key}`): labelled after it, enabled
   * when the resource offers the action, asking which one without a key.
   */
  const addResourceCommand = (
    id: string,
    action: ResourceAction,
    texts: {
      withKey: (label: string) => string;
      generic: string;
      caption: string;
      pick: { title: string; accept: string; empty: string };
    },
    icon: LabIcon,
    act: (resource: IResource) => Promise<void> | void
  ): void => {
    disposables.add(
      commands.addCommand(id, {
        label: args => label(args, texts.withKey, texts.generic),
        caption: texts.caption,
        icon: args => (args.isPalette ? undefined : icon),
        describedBy: keyArgs,
        isEnabled: args => enabled(args, action),
        isVisible: args => visible(args, action),
        execute: async args => {
          const key = await resolveKey(args, action, texts.pick);
          const resource = key !== null ? checkResource(key, action) : null;
          if (resource) {
            await act(resource);
          }
        }
      })
    );
  };

  addResourceCommand(
    CommandIDs.start,
    'start',
    {
      withKey: l => trans.__('Start %1', l),
      generic: trans.__('Start Server or Workspace…'),
      caption: trans.__(
        'Start a JupyterHub server or a Saturn Cloud workspace'
      ),
      pick: {
        title: trans.__('Start a Server or Workspace'),
        accept: trans.__('Start'),
        empty: trans.__('Nothing can be started right now.')
      }
    },
    runIcon,
    resource => runAction(resource, 'start', startResource)
  );

  addResourceCommand(
    CommandIDs.stop,
    'stop',
    {
      withKey: l => trans.__('Stop %1', l),
      generic: trans.__('Stop Server or Workspace…'),
      caption: trans.__('Stop a JupyterHub server or a Saturn Cloud workspace'),
      pick: {
        title: trans.__('Stop a Server or Workspace'),
        accept: trans.__('Stop'),
        empty: trans.__('Nothing can be stopped right now.')
      }
    },
    stopIcon,
    resource => runAction(resource, 'stop', stopResource)
  );

  addResourceCommand(
    CommandIDs.open,
    'open',
    {
      withKey: l => trans.__('Open %1 in a new tab', l),
      generic: trans.__('Open Running Server or Workspace in a New Tab…'),
      caption: trans.__(
        'Open a running server or workspace in a new browser tab'
      ),
      pick: {
        title: trans.__('Open in a New Tab'),
        accept: trans.__('Open'),
        empty: trans.__('Nothing is running right now.')
      }
    },
    launchIcon,
    resource => {
      if (resource.url) {
        openInNewTab(resource.url);
      }
    }
  );

  addResourceCommand(
    CommandIDs.remove,
    'delete',
    {
      withKey: l => trans.__('Delete %1', l),
      generic: trans.__('Delete Named Server…'),
      caption: trans.__('Delete a stopped JupyterHub named server'),
      pick: {
        title: trans.__('Delete a Named Server'),
        accept: trans.__('Next'),
        empty: trans.__('No stopped named server can be deleted right now.')
      }
    },
    deleteIcon,
    async resource => {
      if (isDefaultServer(resource) || resource.kind !== 'server') {
        Notification.warning(
          trans.__('Only a named JupyterHub server can be deleted.'),
          { autoClose: 5000 }
        );
        return;
      }
      if (!(await confirmDelete(resource, trans))) {
        return;
      }
      // The state may have changed while the dialog was open.
      const current = checkResource(resource.key, 'delete');
      if (current) {
        await runAction(current, 'delete', deleteHubServer);
      }
    }
  );

  disposables.add(
    commands.addCommand(CommandIDs.createServer, {
      label: trans.__('New Named Server…'),
      caption: trans.__('New named server'),
      icon: args => (args.isPalette ? undefined : addIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            name: {
              type: 'string',
              description: trans.__('Server name (JupyterHub 6 slug rules)')
            },
            displayName: {
              type: 'string',
              description: trans.__('Free-form display name')
            },
            user: { type: 'string', description: trans.__('Owner') }
          }
        }
      },
      isEnabled: () => {
        const hub = model.config?.hub ?? null;
        return isUsable(hub) && !!hub && hub.abilities.start;
      },
      execute: async args => {
        const hub = model.config?.hub ?? null;
        if (!hub || !isUsable(hub) || !hub.abilities.start) {
          Notification.warning(
            trans.__(
              'JupyterHub servers cannot be created now: see the JupyterHub section of the Saturn Panel.'
            ),
            { autoClose: 5000 }
          );
          return;
        }
        const hubUser = PageConfig.getOption('hubUser');
        const defaultUser =
          typeof args.user === 'string'
            ? args.user
            : hub.kind === 'service'
              ? hubUser
              : (hub.user ?? hubUser);
        const exists = (user: string, name: string) =>
          model.get(hubServerKey(user, name)) !== undefined;
        const submit = async (value: {
          user: string;
          name: string;
          displayName: string;
        }): Promise<string | null> => {
          const key = hubServerKey(value.user, value.name);
          const revision = model.revision(key);
          try {
            const answer = await startHubServer(
              value.user,
              value.name,
              value.displayName || undefined
            );
            if (answer && answer.key === key) {
              model.applyResource(answer, revision);
            }
            notifier.track(key, 'start', value.displayName || value.name);
            notifier.accepted(key);
            return null;
          } catch (error) {
            return errorDetails(error, trans);
          }
        };
        const body = new NewServerBody({
          trans,
          user: defaultUser,
          askUser:
            hub.abilities.listAllUsers ||
            hub.kind === 'service' ||
            !defaultUser,
          name: typeof args.name === 'string' ? args.name : undefined,
          displayName:
            typeof args.displayName === 'string' ? args.displayName : undefined,
          exists,
          submit
        });
        if (typeof args.name === 'string' && body.isValid()) {
          // Everything given and valid: no need to ask.
          const error = await submit(body.getValue());
          body.dispose();
          if (error) {
            Notification.error(
              trans.__('Could not create %1: %2', args.name, error),
              { autoClose: false }
            );
          }
          return;
        }
        await showFormDialog({
          title: trans.__('New Named Server'),
          body,
          acceptLabel: trans.__('Create and Start'),
          trans,
          focusNodeSelector: 'input[name="displayName"]'
        });
      }
    })
  );

  disposables.add(
    commands.addCommand(CommandIDs.createFromRecipe, {
      label: args =>
        args.fromFileBrowser
          ? trans.__('New Saturn Cloud Resource from This Recipe…')
          : trans.__('New Workspace from Recipe…'),
      caption: trans.__('New workspace from recipe'),
      icon: args => (args.isPalette ? undefined : addIcon),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: trans.__('A recipe .json file to load')
            }
          }
        }
      },
      isEnabled: () => isUsable(model.config?.saturn ?? null),
      execute: async args => {
        const saturn = model.config?.saturn ?? null;
        if (!saturn || !isUsable(saturn)) {
          Notification.warning(
            trans.__(
              'Saturn Cloud is not available: see the Saturn Cloud section of the Saturn Panel.'
            ),
            { autoClose: 5000 }
          );
          return;
        }
        let path = typeof args.path === 'string' ? args.path : undefined;
        if (path === undefined && args.fromFileBrowser && options.fileBrowser) {
          const item = options.fileBrowser.selectedItems().next();
          path = item.done ? undefined : item.value.path;
        }
        const state: { created: IRecipeCreated | null } = { created: null };
        const body = new RecipeBody({
          trans,
          contents: app.serviceManager.contents,
          path,
          askUser: saturn.abilities.createForOthers,
          submit: async ({ recipe, user }) => {
            try {
              const created = await createFromRecipe(recipe, user ?? undefined);
              state.created = created;
              const resource = created.resource;
              if (resource && !model.get(resource.key)) {
                model.applyResource(resource);
              }
              return null;
            } catch (error) {
              return errorDetails(error, trans);
            }
          }
        });
        const value = await showFormDialog({
          title: trans.__('New Saturn Cloud Resource from a Recipe'),
          body,
          acceptLabel: trans.__('Create'),
          trans,
          focusNodeSelector: path ? 'textarea' : 'input[name="path"]'
        });
        if (value && state.created) {
          Private.announceCreated(
            state.created,
            value.user,
            model,
            commands,
            trans
          );
        }
      }
    })
  );

  // Buttons, menus and the palette follow the model's state.
  disposables.add(
    refreshCommandsOn(commands, Private.MODEL_DEPENDENT, [model.changed])
  );

  return disposables;
}

/**
 * The resource commands the palette lists.
 */
export const PALETTE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.openPanel,
  CommandIDs.refresh,
  CommandIDs.start,
  CommandIDs.stop,
  CommandIDs.open,
  CommandIDs.remove,
  CommandIDs.createServer,
  CommandIDs.createFromRecipe
];

/**
 * Add commands to the palette, all under the panel's one category. They get
 * `isPalette: true`, so that, run without a resource, they ask which one.
 */
export function addPaletteItems(
  palette: ICommandPalette,
  translator: ITranslator,
  commandIds: ReadonlyArray<string>
): IDisposable {
  const trans = translator.load('jupyterlab_saturn_panel');
  const category = trans.__('Saturn Panel');
  const disposables = new DisposableSet();
  for (const command of commandIds) {
    disposables.add(
      palette.addItem({ command, category, args: { isPalette: true } })
    );
  }
  return disposables;
}

/**
 * Add the row context menu and the file-browser item for `.json` files.
 */
export function addContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  const selector = '.jp-SaturnPanel-row';
  [
    CommandIDs.open,
    CommandIDs.start,
    CommandIDs.stop,
    CommandIDs.remove
  ].forEach((command, i) => {
    disposables.add(
      app.contextMenu.addItem({
        command,
        selector,
        rank: i + 1,
        args: { contextMenu: true }
      })
    );
  });
  disposables.add(
    app.contextMenu.addItem({
      command: CommandIDs.createFromRecipe,
      selector: '.jp-DirListing-item[data-file-type="json"]',
      rank: 60,
      args: { fromFileBrowser: true }
    })
  );
  return disposables;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Whether an action on a resource belongs to the job commands instead
   * (stopping a job means stopping one of its runs: `saturn-panel:stop-run`).
   */
  export function isJobOnly(
    resource: IResource | undefined,
    action: ResourceAction
  ): boolean {
    return !!resource && resource.kind === 'job' && action === 'stop';
  }

  /**
   * The commands whose state depends on the model.
   */
  export const MODEL_DEPENDENT = [
    CommandIDs.start,
    CommandIDs.stop,
    CommandIDs.open,
    CommandIDs.remove,
    CommandIDs.createServer,
    CommandIDs.createFromRecipe
  ];

  /**
   * Why an action cannot be taken on a resource now.
   */
  export function cannotMessage(
    resource: IResource,
    action: ResourceAction,
    busy: boolean,
    trans: TranslationBundle
  ): string {
    const label = resourceLabel(resource, trans);
    if (busy) {
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
      case 'open':
        return trans.__('%1 is not running.', label);
      case 'delete':
        return trans.__(
          '%1 cannot be deleted now: only a stopped named server can.',
          label
        );
      case 'run':
        return trans.__('%1 cannot be run now.', label);
    }
  }

  /**
   * Tell the user a resource was created, offering to start it.
   *
   * @param forUser - the user it was created for, when not oneself
   */
  export function announceCreated(
    created: IRecipeCreated,
    forUser: string | null,
    model: ResourceModel,
    commands: JupyterFrontEnd['commands'],
    trans: TranslationBundle
  ): void {
    // The answer may not carry the resource; its key follows from type + id.
    const key =
      created.resource?.key ??
      (created.type === 'workspace' && created.id
        ? `saturn/workspace/${created.id}`
        : null);
    const known = key ? model.get(key) : undefined;
    const startable = known
      ? known.actions.includes('start')
      : created.type === 'workspace';
    const actions: Notification.IAction[] = [];
    if (key && startable) {
      actions.push({
        label: trans.__('Start'),
        caption: trans.__('Start %1', created.name),
        displayType: 'accent',
        callback: () => void commands.execute(CommandIDs.start, { key })
      });
    }
    const message = forUser
      ? trans.__(
          'Created the %1 "%2" for %3.',
          created.type,
          created.name,
          created.owner || forUser
        )
      : trans.__('Created the %1 "%2".', created.type, created.name);
    Notification.success(message, {
      autoClose: actions.length > 0 ? false : 5000,
      actions
    });
  }
}
