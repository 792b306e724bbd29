/**
 * The command that creates a Saturn Cloud resource from a recipe (pasted, or
 * a `.json`/`.yaml` file chosen in JupyterLab's file dialog), and its
 * file-browser item.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { FileDialog, IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { addIcon } from '@jupyterlab/ui-components';
import type { JSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import { createFromRecipe, errorDetails, IResource } from '../api';
import {
  IRecipeResult,
  isRecipeFile,
  RecipeBody,
  showFormDialog
} from '../dialogs';
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
   * The default file browser, for its `.json` context-menu item and its
   * document manager (for JupyterLab's file dialog).
   */
  fileBrowser: IDefaultFileBrowser | null;
  /**
   * The translator (JupyterLab's file dialog speaks its own domain).
   */
  translator: ITranslator;
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
            description: trans.__('A recipe .json or .yaml file to load')
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
      const submit = async ({
        recipe,
        user
      }: IRecipeResult): Promise<string | null> => {
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
      };
      const manager = options.fileBrowser?.model.manager ?? null;
      let form: Partial<RecipeBody.IState> = { path };
      let value: IRecipeResult | null = null;
      // "Choose File…" closes the form (JupyterLab shows one dialog at a
      // time), shows the file dialog, and opens the form again as it was.
      for (;;) {
        let browsed: RecipeBody.IState | null = null;
        const body = new RecipeBody({
          trans,
          contents: app.serviceManager.contents,
          path: form.path,
          text: form.text,
          user: form.user,
          askUser: saturn.abilities.createForOthers,
          browse: manager
            ? current => {
                browsed = current;
              }
            : undefined,
          submit
        });
        value = await showFormDialog({
          title: trans.__('New Saturn Cloud Resource from a Recipe'),
          body,
          acceptLabel: trans.__('Create'),
          trans,
          // The path field (the file dialog is the button before it).
          focusNodeSelector:
            form.path || form.text ? 'textarea' : 'input[name="path"]'
        });
        if (browsed === null || !manager) {
          break;
        }
        const kept: RecipeBody.IState = browsed;
        const chosen = await Private.chooseRecipeFile(
          manager,
          kept.path,
          options.translator,
          trans
        );
        // A file chosen is loaded; none keeps the form as it was.
        form = chosen ? { path: chosen, user: kept.user } : kept;
      }
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
   * Show JupyterLab's file dialog for a `.json`/`.yaml` recipe.
   *
   * @returns the chosen file's path, or null when none was chosen
   */
  export async function chooseRecipeFile(
    manager: NonNullable<IDefaultFileBrowser['model']['manager']>,
    current: string,
    translator: ITranslator,
    trans: TranslationBundle
  ): Promise<string | null> {
    const folder = current.includes('/')
      ? current.slice(0, current.lastIndexOf('/'))
      : undefined;
    const result = await FileDialog.getOpenFiles({
      manager,
      translator,
      title: trans.__('Choose a Recipe File'),
      label: trans.__('A Saturn Cloud recipe: .json, .yaml or .yml'),
      defaultPath: folder,
      filter: model =>
        model.type === 'directory' || isRecipeFile(model.name) ? {} : null
    });
    const file = (result.button.accept ? (result.value ?? []) : []).find(
      model => model.type !== 'directory'
    );
    return file ? file.path : null;
  }

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
      // As every success toast: closes by itself (see actionNotifier.ts).
      autoClose: actions.length > 0 ? 10000 : 5000,
      actions
    });
  }
}
