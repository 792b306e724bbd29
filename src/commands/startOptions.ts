/**
 * `saturn-panel:start-with-options`: start a stopped hub server with the
 * hub's start options chosen in a form (the last choice for the server
 * remembered), or, when none are configured, open the hub's own start page
 * of the server in a new tab. Options configured in a shape the panel cannot
 * use are not guessed at: the command says what is wrong with them.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { IStateDB } from '@jupyterlab/statedb';
import type { TranslationBundle } from '@jupyterlab/translation';
import { launchIcon, runIcon } from '@jupyterlab/ui-components';
import type { JSONObject, ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { DisposableSet, type IDisposable } from '@lumino/disposable';
import * as React from 'react';

import { errorDetails, IResource, resourceLabel, startResource } from '../api';
import {
  initialOptions,
  pickResource,
  showFormDialog,
  StartOptionsBody
} from '../dialogs';
import type { ResourceModel } from '../model';
import { CommandIDs, PLUGIN_ID } from '../tokens';
import type { ActionNotifier } from './actionNotifier';
import {
  actionBlockedReason,
  argKey,
  iconOutsidePalette,
  openInNewTab,
  sendAndApply,
  warn
} from './kit';

/**
 * `saturn-panel:open-spawn-page`: open the hub's own start page of a stopped
 * hub server (`/hub/spawn/{user}/{name}`) in a new tab, for the choices the
 * panel's form cannot offer. (Its id lives here, beside the command.)
 */
export const OPEN_SPAWN_PAGE = 'saturn-panel:open-spawn-page';

/**
 * The hub's own start page of a resource, if it has one.
 */
export function spawnPageOf(resource: IResource | undefined): string | null {
  const page = resource?.details.spawnPage;
  return resource?.backend === 'hub' && typeof page === 'string' && page
    ? page
    : null;
}

/**
 * What the last start of a hub server chose, as the server labels it ("GPU
 * machine (Image: TensorFlow)"): what a plain Start reuses, as the hub
 * starts a server without options with the ones it was last given. Null when
 * it was last given none.
 */
export function lastChoiceOf(resource: IResource | undefined): string | null {
  const last = resource?.details.lastStartedWith;
  return resource?.backend === 'hub' && typeof last === 'string' && last
    ? last
    : null;
}

/**
 * What the command needs.
 */
export interface IStartOptionsCommandOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  notifier: ActionNotifier;
  trans: TranslationBundle;
  /**
   * Where the last choice of each server is kept, if anywhere.
   */
  state?: IStateDB | null;
}

/**
 * The state id of the last options a server was started with.
 */
export function startOptionsStateId(key: string): string {
  return `${PLUGIN_ID}:start-options:${key}`;
}

/**
 * Whether a resource is a hub server that can be started now.
 */
function isStartableServer(
  model: ResourceModel,
  resource: IResource | undefined
): resource is IResource {
  return (
    !!resource &&
    resource.kind === 'server' &&
    resource.backend === 'hub' &&
    model.canDo(resource.key, 'start')
  );
}

/**
 * Register `saturn-panel:start-with-options`.
 */
export function addStartOptionsCommand(
  options: IStartOptionsCommandOptions
): IDisposable {
  const { app, model, notifier, trans } = options;
  const state = options.state ?? null;

  const startable = (): IResource[] =>
    model.eligible('start').filter(r => isStartableServer(model, r));

  const argResource = (
    args: ReadonlyPartialJSONObject
  ): IResource | undefined => {
    const key = argKey(app, model, args);
    return key !== null ? model.get(key) : undefined;
  };

  const remembered = async (key: string): Promise<JSONObject | null> => {
    if (!state) {
      return null;
    }
    try {
      const value = await state.fetch(startOptionsStateId(key));
      return typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value)
        ? (value as JSONObject)
        : null;
    } catch {
      return null;
    }
  };

  const remember = async (key: string, value: JSONObject): Promise<void> => {
    try {
      await state?.save(startOptionsStateId(key), value);
    } catch {
      // Remembering is a convenience: a start does not fail for it.
    }
  };

  const disposables = new DisposableSet();
  disposables.add(
    app.commands.addCommand(OPEN_SPAWN_PAGE, {
      label: args => {
        const resource = argResource(args);
        return resource
          ? trans.__(
              "Open the Hub's Start Page of %1",
              resourceLabel(resource, trans)
            )
          : trans.__("Open the Hub's Start Page…");
      },
      caption: args => {
        const key = argKey(app, model, args);
        return (
          (key !== null
            ? actionBlockedReason(model, key, 'start', trans)
            : null) ??
          trans.__(
            "Choose the start options on the hub's own page, in a new browser tab"
          )
        );
      },
      icon: iconOutsidePalette(launchIcon),
      describedBy: {
        args: {
          type: 'object' as const,
          properties: {
            key: {
              type: 'string',
              description: trans.__(
                'Resource key of a hub server: hub/{user}/{name}'
              )
            }
          }
        }
      },
      isEnabled: args => {
        const resource = argResource(args);
        return !!spawnPageOf(resource) && isStartableServer(model, resource);
      },
      isVisible: args =>
        args.contextMenu !== true || !!spawnPageOf(argResource(args)),
      execute: args => {
        const resource = argResource(args);
        const page = spawnPageOf(resource);
        if (!resource || !page) {
          warn(trans.__('No start page of a JupyterHub server to open.'));
          return;
        }
        if (!openInNewTab(page)) {
          warn(trans.__('The browser blocked the new tab of %1.', page));
        }
      }
    })
  );

  const command = app.commands.addCommand(CommandIDs.startWithOptions, {
    label: args => {
      const resource = argResource(args);
      return resource
        ? trans.__('Start %1 with Options…', resourceLabel(resource, trans))
        : trans.__('Start Server with Options…');
    },
    caption: args => {
      const key = argKey(app, model, args);
      return (
        (key !== null
          ? actionBlockedReason(model, key, 'start', trans)
          : null) ??
        trans.__(
          'Start a JupyterHub server with the options the hub offers (profile, image…)'
        )
      );
    },
    icon: iconOutsidePalette(runIcon),
    describedBy: {
      args: {
        type: 'object' as const,
        properties: {
          key: {
            type: 'string',
            description: trans.__(
              'Resource key of a hub server: hub/{user}/{name}'
            )
          }
        }
      }
    },
    isEnabled: args => {
      const key = argKey(app, model, args);
      return key !== null
        ? isStartableServer(model, model.get(key))
        : startable().length > 0;
    },
    isVisible: args =>
      args.contextMenu !== true || isStartableServer(model, argResource(args)),
    execute: async args => {
      let key = argKey(app, model, args);
      if (key === null) {
        key = await pickResource({
          title: trans.__('Start a Server with Options'),
          acceptLabel: trans.__('Next'),
          emptyMessage: trans.__('No JupyterHub server can be started now.'),
          resources: startable(),
          trans
        });
        if (key === null) {
          return;
        }
      }
      const resource = model.get(key);
      if (!resource || resource.kind !== 'server') {
        warn(trans.__('No JupyterHub server "%1".', key));
        return;
      }
      if (!model.canDo(key, 'start')) {
        warn(
          actionBlockedReason(model, key, 'start', trans) ??
            trans.__(
              '%1 cannot be started now.',
              resourceLabel(resource, trans)
            )
        );
        return;
      }
      const spawnOptions = model.config?.hub.spawnOptions ?? null;
      if (!spawnOptions) {
        // The hub cannot say its options: its own start page can.
        const page = resource.details.spawnPage;
        if (typeof page === 'string' && page) {
          if (!openInNewTab(page)) {
            warn(trans.__('The browser blocked the new tab of %1.', page));
          }
        } else {
          warn(trans.__('The hub offers no start options for %1.', key));
        }
        return;
      }
      if (!spawnOptions.schema) {
        // Configured, but not in a shape the panel can use: say what is wrong.
        await showProblems(
          spawnOptions.problems,
          resource.details.spawnPage,
          trans
        );
        return;
      }
      const schema = spawnOptions.schema;
      const resourceKey = key;
      const label = resourceLabel(resource, trans);
      const send = async (value: JSONObject): Promise<string | null> => {
        const current = model.get(resourceKey) ?? resource;
        try {
          await sendAndApply(
            model,
            resourceKey,
            () => startResource(current, value),
            false
          );
        } catch (error) {
          return errorDetails(error, trans);
        }
        notifier.track(resourceKey, 'start', label);
        notifier.accepted(resourceKey);
        await remember(resourceKey, value);
        return null;
      };
      const body = new StartOptionsBody(
        schema,
        initialOptions(
          schema,
          (await remembered(resourceKey)) ?? Private.lastOptions(resource)
        ),
        trans,
        send,
        spawnPageOf(resource)
      );
      await showFormDialog({
        title: trans.__('Start %1 with Options', label),
        body,
        acceptLabel: trans.__('Start'),
        trans,
        focusNodeSelector: 'select, input'
      });
    }
  });
  disposables.add(command);
  return disposables;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The options a hub server was last started with, as the hub keeps them
   * (`details.userOptions`), or null.
   */
  export function lastOptions(resource: IResource): JSONObject | null {
    const value = resource.details.userOptions;
    return typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
      ? (value as JSONObject)
      : null;
  }
}

/**
 * Why the start options cannot be offered: the problems of
 * `c.SaturnPanel.hub_spawn_options` as the server read them, and the hub's
 * own start page, which offers the hub's options.
 */
async function showProblems(
  problems: ReadonlyArray<string>,
  spawnPage: unknown,
  trans: TranslationBundle
): Promise<void> {
  const page = typeof spawnPage === 'string' && spawnPage ? spawnPage : null;
  const body = React.createElement(
    'div',
    { className: 'jp-SaturnPanel-spawnOptionsProblems' },
    React.createElement(
      'p',
      null,
      trans.__(
        'The start options configured for this panel (c.SaturnPanel.hub_spawn_options) cannot be used:'
      )
    ),
    React.createElement(
      'ul',
      null,
      ...problems.map(problem =>
        React.createElement('li', { key: problem }, problem)
      )
    ),
    React.createElement(
      'p',
      null,
      page
        ? trans.__(
            "Whoever configures the panel can fix it. Meanwhile the hub's own start page offers its options."
          )
        : trans.__('Whoever configures the panel can fix it.')
    )
  );
  const result = await showDialog({
    title: trans.__('Start Options Are Not Available'),
    body,
    buttons: page
      ? [
          Dialog.cancelButton({ label: trans.__('Close') }),
          Dialog.okButton({ label: trans.__("Open the Hub's Start Page") })
        ]
      : [Dialog.okButton({ label: trans.__('Close') })]
  });
  if (page && result.button.accept && !openInNewTab(page)) {
    warn(trans.__('The browser blocked the new tab of %1.', page));
  }
}
