/**
 * The panel's icon buttons: each one runs a command.
 */
import type { LabIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import * as React from 'react';

/**
 * Properties of `CommandButton`.
 */
export interface ICommandButtonProps {
  readonly commands: CommandRegistry;
  /**
   * The command the button runs.
   */
  readonly id: string;
  readonly args: ReadonlyPartialJSONObject;
  readonly icon: LabIcon;
  /**
   * `jp-mod-{action}`: the hook of styles and browser tests.
   */
  readonly className: string;
}

/**
 * A button that runs a command. Its tooltip (and accessible name) is the
 * command's label for these arguments, followed, while it is disabled, by
 * why (the command's caption); it is enabled exactly when the command is, so
 * a button never offers what the palette would refuse.
 *
 * A plain `<button>` styled as JupyterLab's toolbar buttons: the toolbar's
 * web component cost most of the time of a list of thousands of rows
 * (issue 11).
 */
export function CommandButton(props: ICommandButtonProps): JSX.Element {
  const { commands, id, args, icon, className } = props;
  const label = commands.label(id, args);
  const enabled = commands.isEnabled(id, args);
  // A disabled button says why: the command's caption then is the reason.
  const reason = enabled ? '' : commands.caption(id, args);
  const tooltip = reason && reason !== label ? `${label} (${reason})` : label;
  return (
    <button
      type="button"
      className={`jp-SaturnPanel-action jp-SaturnPanel-button ${className}`}
      aria-label={tooltip}
      title={tooltip}
      disabled={!enabled}
      onClick={() => void commands.execute(id, args)}
    >
      <icon.react tag="span" elementSize="normal" />
    </button>
  );
}
