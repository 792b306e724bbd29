/**
 * The command that creates a Saturn Cloud resource from a recipe (pasted, or
 * a `.json` file), and its file-browser item.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { TranslationBundle } from '@jupyterlab/translation';
import { addIcon } from '@jupyterlab/ui-components';
import type { JSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import { createFromRecipe, errorDetails, IResource } from '../api';
import { IRecipeResult, RecipeBody, showFormDialog } from '../dialogs';
import type { ResourceModel } from '../model';
import { CommandIDs } from '../tokens';
import {
  explainInPalette,
  iconOutsidePalette,
  saturnBlockedReason,
  saturnUsable,
  warnSaturnUnavailable
} from './kit';

/**
 * What the command needs.
 */
export interface ICreateFromRecipeOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  trans: TranslationBundle;
  /**
   * The default file browser, for its `.json` context-menu item.
   */
  fileBrowser: IDefaultFileBrowser | null;
}

/**
 * Register `saturn-panel:create-from-recipe`.
 */
export function addCreateFromRecipeCommand(
  options: ICreateFromRecipeOptions
): IDisposable {
  const { app, model, trans } = options;
  return app.commands.addCommand(CommandIDs.createFromRecipe, {
    label: args =>
      args.fromFileBrowser
        ? trans.__('New Saturn Cloud Resource from This Recipe…')
        : trans.__('New Workspace from Recipe…'),
    // When blocked, the caption (tooltip, aria description) says why.
    caption: () =>
      saturnBlockedReason(model, trans) ??
      trans.__('New workspace from recipe'),
    icon: iconOutsidePalette(addIcon),
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
    isEnabled: args =>
      saturnUsable(model) ||
      explainInPalette(args, saturnBlockedReason(model, trans)),
    execute: async args => {
      const saturn = model.config?.saturn ?? null;
      if (!saturn || !saturnUsable(model)) {
        warnSaturnUnavailable(trans, model);
        return;
      }
      let path = typeof args.path === 'string' ? args.path : undefined;
      if (path === undefined && args.fromFileBrowser && options.fileBrowser) {
        const item = options.fileBrowser.selectedItems().next();
        path = item.done ? undefined : item.value.path;
      }
      // The server answers with the created resource (201).
      const state: { created: IResource | null } = { created: null };
      const body = new RecipeBody({
        trans,
        contents: app.serviceManager.contents,
        path,
        askUser: saturn.abilities.createForOthers,
        submit: async ({ recipe, user }) => {
          try {
            const created = await createFromRecipe(recipe, user ?? undefined);
            state.created = created;
            if (created && !model.get(created.key)) {
              model.applyResource(created);
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
      if (value) {
        Private.announceCreated(state.created, value, model, app, trans);
      }
    }
  });
}

/**
 * The file browser's item for `.json` files.
 */
export function addRecipeFileMenuItem(app: JupyterFrontEnd): IDisposable {
  return app.contextMenu.addItem({
    command: CommandIDs.createFromRecipe,
    selector: '.jp-DirListing-item[data-file-type="json"]',
    rank: 60,
    args: { fromFileBrowser: true }
  });
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Tell the user a resource was created, offering to start it.
   *
   * @param created - the server's answer (null when it was not a resource:
   *   the recipe then tells what was created)
   * @param value - what the dialog sent (`user`: created for another user)
   */
  export function announceCreated(
    created: IResource | null,
    value: IRecipeResult,
    model: ResourceModel,
    app: JupyterFrontEnd,
    trans: TranslationBundle
  ): void {
    const spec = value.recipe.spec as JSONObject | undefined;
    const type =
      created?.kind ??
      (typeof value.recipe.type === 'string' ? value.recipe.type : '');
    const name =
      created?.name ?? (typeof spec?.name === 'string' ? spec.name : '');
    const known = created ? (model.get(created.key) ?? created) : null;
    const actions: Notification.IAction[] = [];
    if (known && known.actions.includes('start')) {
      const key = known.key;
      actions.push({
        label: trans.__('Start'),
        caption: trans.__('Start %1', name),
        displayType: 'accent',
        callback: () => void app.commands.execute(CommandIDs.start, { key })
      });
    }
    const message = value.user
      ? trans.__(
          'Created the %1 "%2" for %3.',
          type,
          name,
          created?.owner || value.user
        )
      : trans.__('Created the %1 "%2".', type, name);
    Notification.success(message, {
      autoClose: actions.length > 0 ? false : 5000,
      actions
    });
  }
}
