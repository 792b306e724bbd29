/**
 * Every action of the panel is a command: buttons, the context menu, the
 * command palette and the file browser all run these.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { IStateDB } from '@jupyterlab/statedb';
import type { ITranslator } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import { DisposableSet, IDisposable } from '@lumino/disposable';

import { saturnPanelIcon } from '../icons';
import type { ResourceModel } from '../model';
import { CommandIDs, TRANSLATION_DOMAIN } from '../tokens';
import type { ActionNotifier } from './actionNotifier';
import {
  addCreateFromRecipeCommand,
  addRecipeFileMenuItem
} from './createFromRecipe';
import { addCreateServerCommand } from './createServer';
import {
  addSharingCommands,
  addSharingContextMenuItems
} from '../sharing/commands';
import { addStartOptionsCommand } from './startOptions';
import { iconOutsidePalette, refreshCommandsOn } from './kit';
import {
  addResourceCommands,
  addResourceContextMenuItems,
  RESOURCE_COMMANDS
} from './resources';

export * from './actionNotifier';
export * from './kit';
export * from './startOptions';

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
  /**
   * Put the keyboard focus in the panel (its filter): the *Show Saturn
   * Panel* command does, a panel revealed by another action does not.
   */
  focusPanel?: () => void;
  /**
   * Where the last start options of each server are kept.
   */
  state?: IStateDB | null;
}

/**
 * Register the panel's commands (the job commands are in `jobs/`).
 */
export function addCommands(options: ICommandsOptions): IDisposable {
  const { app, model } = options;
  const { commands } = app;
  const trans = options.translator.load(TRANSLATION_DOMAIN);
  const disposables = new DisposableSet();

  disposables.add(
    commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Show Saturn Panel'),
      caption: trans.__('Show the Saturn Cloud and JupyterHub servers panel'),
      icon: iconOutsidePalette(saturnPanelIcon),
      execute: () => {
        options.openPanel();
        options.focusPanel?.();
      }
    })
  );
  disposables.add(
    commands.addCommand(CommandIDs.refresh, {
      label: trans.__('Refresh Servers and Workspaces'),
      caption: trans.__('Refresh servers'),
      icon: iconOutsidePalette(refreshIcon),
      execute: () => options.refresh()
    })
  );
  disposables.add(addResourceCommands({ ...options, trans }));
  disposables.add(addCreateServerCommand({ ...options, trans }));
  disposables.add(addStartOptionsCommand({ ...options, trans }));
  disposables.add(addCreateFromRecipeCommand({ ...options, trans }));
  disposables.add(addSharingCommands({ app, model, trans }));

  // Buttons, menus and the palette follow the model's state.
  disposables.add(
    refreshCommandsOn(
      commands,
      [
        ...RESOURCE_COMMANDS,
        CommandIDs.startWithOptions,
        CommandIDs.createServer,
        CommandIDs.createFromRecipe
      ],
      [model.changed]
    )
  );
  return disposables;
}

/**
 * Add the rows' context menu and the file-browser item for `.json` files.
 */
export function addContextMenuItems(app: JupyterFrontEnd): IDisposable {
  const disposables = new DisposableSet();
  disposables.add(addResourceContextMenuItems(app));
  disposables.add(addRecipeFileMenuItem(app));
  disposables.add(addSharingContextMenuItems(app));
  return disposables;
}

/**
 * The commands the palette lists (the jobs plugin adds its own,
 * `JOB_PALETTE_COMMANDS`).
 */
export const PALETTE_COMMANDS: ReadonlyArray<string> = [
  CommandIDs.openPanel,
  CommandIDs.refresh,
  CommandIDs.start,
  CommandIDs.startWithOptions,
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
  commandIds: ReadonlyArray<string> = PALETTE_COMMANDS
): IDisposable {
  const trans = translator.load(TRANSLATION_DOMAIN);
  const category = trans.__('Saturn Panel');
  const disposables = new DisposableSet();
  for (const command of commandIds) {
    disposables.add(
      palette.addItem({ command, category, args: { isPalette: true } })
    );
  }
  return disposables;
}
