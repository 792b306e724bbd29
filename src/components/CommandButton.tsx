/**
 * The panel's icon buttons: each one runs a command.
 */
import { LabIcon, ToolbarButtonComponent } from '@jupyterlab/ui-components';
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
 */
export function CommandButton(props: ICommandButtonProps): JSX.Element {
  const { commands, id, args, icon, className } = props;
  const label = commands.label(id, args);
  const enabled = commands.isEnabled(id, args);
  // A disabled button says why: the command's caption then is the reason.
  const reason = enabled ? '' : commands.caption(id, args);
  return (
    <ToolbarButtonComponent
      className={`jp-SaturnPanel-action ${className}`}
      icon={icon}
      tooltip={reason && reason !== label ? `${label} (${reason})` : label}
      enabled={enabled}
      onClick={() => void commands.execute(id, args)}
    />
  );
}
