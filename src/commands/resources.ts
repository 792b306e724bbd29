/**
 * The commands on one resource: start, stop, open in a new tab, delete
 * (`{key}`; they ask which one without it), and the rows' context menu.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  deleteIcon,
  LabIcon,
  launchIcon,
  listIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import type { JSONObject, ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import {
  backendBlockedReason,
  deleteHubServer,
  deploymentAction,
  errorHint,
  errorMessage,
  IResource,
  isDefaultServer,
  ResourceAction,
  resourceLabel,
  startResource,
  stopResource
} from '../api';
import { confirmDelete, pickResource } from '../dialogs';
import type { ResourceModel } from '../model';
import { CommandIDs } from '../tokens';
import type { ActionNotifier, TrackedAction } from './actionNotifier';
import { openDeploymentLogs } from './deploymentLogs';
import { lastChoiceOf } from './startOptions';
import {
  actionBlockedReason,
  argKey,
  iconOutsidePalette,
  openInNewTab,
  ROW_CLASS,
  sendAndApply,
  warn
} from './kit';

/**
 * What the resource commands need.
 */
export interface IResourceCommandsOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  notifier: ActionNotifier;
  trans: TranslationBundle;
}

/**
 * The resource commands whose state depends on the model.
 */
export const RESOURCE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.start,
  CommandIDs.stop,
  CommandIDs.open,
  CommandIDs.remove,
  CommandIDs.restart,
  CommandIDs.openDeploymentLogs
];

/**
 * Register start, stop, open and delete.
 */
export function addResourceCommands(
  options: IResourceCommandsOptions
): IDisposable {
  const { app, model, notifier, trans } = options;
  const { commands } = app;
  const disposables = new DisposableSet();

  const keyArgs = {
    args: {
      type: 'object' as const,
      properties: {
        key: {
          type: 'string',
          description: trans.__(
            'Resource key: hub/{user}/{name}, saturn/workspace/{id}, saturn/deployment/{id}'
          )
        },
        userOptions: {
          type: 'object',
          description: trans.__(
            "start only: a hub server's user_options (KubeSpawner: profile, {option}, {option}--unlisted-choice)"
          )
        }
      }
    }
  };

  /**
   * The resources an action can be taken on now, as the commands offer them.
   */
  const offered = (action: ResourceAction): IResource[] => {
    const resources = model
      .eligible(action)
      .filter(r => !Private.isJobOnly(r, action));
    return action === 'delete'
      ? resources.filter(r => !isDefaultServer(r))
      : resources;
  };

  /**
   * The key to act on, asking the user when not given.
   */
  const resolveKey = async (
    args: ReadonlyPartialJSONObject,
    action: ResourceAction,
    texts: { title: string; accept: string; empty: string }
  ): Promise<string | null> => {
    const key = argKey(app, model, args);
    if (key !== null) {
      return key;
    }
    return pickResource({
      title: texts.title,
      acceptLabel: texts.accept,
      emptyMessage: texts.empty,
      resources: offered(action),
      trans
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
      warn(trans.__('No server or workspace "%1".', key));
      return null;
    }
    if (!model.canDo(key, action)) {
      warn(
        actionBlockedReason(model, key, action, trans) ??
          trans.__('%1 cannot be done now.', resourceLabel(resource, trans))
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
    try {
      await sendAndApply(model, key, () => request(resource));
      notifier.accepted(key);
    } catch (error) {
      notifier.failed(key, errorMessage(error, trans), errorHint(error));
    }
  };

  /**
   * The resource a command's arguments name, if the model has it.
   */
  const argResource = (
    args: ReadonlyPartialJSONObject
  ): IResource | undefined => {
    const key = argKey(app, model, args);
    return key !== null ? model.get(key) : undefined;
  };

  /**
   * Add a command acting on one resource (`{key}`): labelled after it,
   * enabled when the resource offers the action, asking which one without a
   * key.
   */
  const addResourceCommand = (
    id: string,
    action: ResourceAction,
    texts: {
      withKey: (label: string, resource: IResource) => string;
      generic: string;
      caption: string;
      pick: { title: string; accept: string; empty: string };
    },
    icon: LabIcon,
    act: (
      resource: IResource,
      args: ReadonlyPartialJSONObject
    ) => Promise<void> | void
  ): void => {
    disposables.add(
      commands.addCommand(id, {
        label: args => {
          const resource = argResource(args);
          return resource
            ? texts.withKey(resourceLabel(resource, trans), resource)
            : texts.generic;
        },
        // When blocked, the caption (tooltip, aria description) says why.
        caption: args => {
          const key = argKey(app, model, args);
          if (key !== null) {
            const resource = model.get(key);
            if (resource && !Private.isJobOnly(resource, action)) {
              return (
                actionBlockedReason(model, key, action, trans) ?? texts.caption
              );
            }
            return texts.caption;
          }
          if (offered(action).length > 0) {
            return texts.caption;
          }
          const reasons = Private.backendReasons(model, trans);
          return reasons.length > 0
            ? `${texts.pick.empty} ${reasons.join(' ')}`
            : texts.caption;
        },
        icon: iconOutsidePalette(icon),
        describedBy: keyArgs,
        // Enabled when the resource allows the action now; without a key,
        // when some resource does.
        isEnabled: args => {
          const key = argKey(app, model, args);
          if (key !== null) {
            return (
              !Private.isJobOnly(model.get(key), action) &&
              model.canDo(key, action)
            );
          }
          return (
            model.eligible(action).filter(r => !Private.isJobOnly(r, action))
              .length > 0
          );
        },
        // In the context menu, only the actions the resource offers.
        isVisible: args => {
          if (args.contextMenu !== true) {
            return true;
          }
          const resource = argResource(args);
          return (
            !!resource &&
            resource.actions.includes(action) &&
            !Private.isJobOnly(resource, action)
          );
        },
        execute: async args => {
          const key = await resolveKey(args, action, texts.pick);
          const resource = key !== null ? checkResource(key, action) : null;
          if (resource) {
            await act(resource, args);
          }
        }
      })
    );
  };

  addResourceCommand(
    CommandIDs.start,
    'start',
    {
      // A hub server started without options gets the ones it was last
      // given: the label says so rather than reusing them silently.
      withKey: (l, resource) => {
        const last = lastChoiceOf(resource);
        return last
          ? trans.__('Start %1 (reuses %2)', l, last)
          : trans.__('Start %1', l);
      },
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
    (resource, args) => {
      const userOptions = Private.userOptions(args);
      if (userOptions === undefined) {
        warn(trans.__('userOptions must be an object.'));
        return;
      }
      return runAction(resource, 'start', r =>
        startResource(r, userOptions ?? undefined)
      );
    }
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
    CommandIDs.restart,
    'restart',
    {
      withKey: l => trans.__('Restart %1', l),
      generic: trans.__('Restart Deployment…'),
      caption: trans.__('Restart a Saturn Cloud deployment'),
      pick: {
        title: trans.__('Restart a Deployment'),
        accept: trans.__('Restart'),
        empty: trans.__('No deployment can be restarted right now.')
      }
    },
    refreshIcon,
    resource =>
      runAction(resource, 'start', r => deploymentAction(r.id, 'restart'))
  );

  addResourceCommand(
    CommandIDs.openDeploymentLogs,
    'logs',
    {
      withKey: l => trans.__('Show Logs of %1', l),
      generic: trans.__('Show Deployment Logs…'),
      caption: trans.__(
        'Show the live logs of a running Saturn Cloud deployment in a tab'
      ),
      pick: {
        title: trans.__('Show Deployment Logs'),
        accept: trans.__('Show'),
        empty: trans.__('No deployment is running right now.')
      }
    },
    listIcon,
    resource => {
      openDeploymentLogs(app, resource, trans);
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
        warn(trans.__('Only a named JupyterHub server can be deleted.'));
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

  return disposables;
}

/**
 * The context menu of resource rows.
 */
export function addResourceContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  [
    CommandIDs.open,
    CommandIDs.start,
    CommandIDs.startWithOptions,
    CommandIDs.stop,
    CommandIDs.restart,
    CommandIDs.openDeploymentLogs,
    CommandIDs.remove
  ].forEach((command, i) => {
    disposables.add(
      app.contextMenu.addItem({
        command,
        selector: `.${ROW_CLASS}`,
        rank: i + 1,
        args: { contextMenu: true }
      })
    );
  });
  return disposables;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The `userOptions` argument of a start: an object, null without one, or
   * undefined when it is not an object.
   */
  export function userOptions(
    args: ReadonlyPartialJSONObject
  ): JSONObject | null | undefined {
    const value = args.userOptions;
    if (value === undefined || value === null) {
      return null;
    }
    return typeof value === 'object' && !Array.isArray(value)
      ? (value as JSONObject)
      : undefined;
  }

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
   * Why each backend that cannot be used now cannot, as sentences.
   */
  export function backendReasons(
    model: ResourceModel,
    trans: TranslationBundle
  ): string[] {
    return (['hub', 'saturn'] as const)
      .map(backend => backendBlockedReason(model.config, backend, trans))
      .filter((reason): reason is string => reason !== null);
  }
}
