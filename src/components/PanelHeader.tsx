/**
 * The top of the panel: the server extension's state, the live-update
 * connection's state, and the filter box.
 */
import {
  CommandToolbarButtonComponent,
  InputGroup,
  refreshIcon,
  searchIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';

import type { DisconnectReason } from '../api';
import { CommandIDs } from '../tokens';
import type { IPanelContext } from './context';
import { useNow } from './useNow';

/**
 * Properties of `PanelHeader`.
 */
export interface IPanelHeaderProps {
  readonly context: IPanelContext;
}

/**
 * The panel header, re-rendered on every change of the model.
 */
export function PanelHeader(props: IPanelHeaderProps): JSX.Element {
  return (
    <UseSignal signal={props.context.model.changed}>
      {() => <HeaderContent context={props.context} />}
    </UseSignal>
  );
}

/**
 * The header for the model's current state.
 */
function HeaderContent(props: IPanelHeaderProps): JSX.Element {
  const { model, trans, commands } = props.context;
  return (
    <div className="jp-SaturnPanel-header">
      <ExtensionBanner context={props.context} />
      {model.extensionState === 'ready' && (
        <ConnectionBanner context={props.context} />
      )}
      <div className="jp-SaturnPanel-filterRow">
        <InputGroup
          className="jp-SaturnPanel-filter"
          type="search"
          placeholder={trans.__('Filter by name, owner or status')}
          aria-label={trans.__('Filter servers')}
          title={trans.__('Filter servers')}
          value={model.filter}
          onChange={event => {
            model.filter = event.target.value;
          }}
          rightIcon={searchIcon}
        />
        <CommandToolbarButtonComponent
          commands={commands}
          id={CommandIDs.refresh}
          icon={refreshIcon}
          label=""
          caption={trans.__('Refresh servers')}
        />
      </div>
    </div>
  );
}

/**
 * What is wrong with the server extension, if anything.
 */
function ExtensionBanner(props: IPanelHeaderProps): JSX.Element | null {
  const { model, trans } = props.context;
  if (model.extensionState === 'missing') {
    return (
      <div className="jp-SaturnPanel-notice jp-mod-error" role="alert">
        <p className="jp-SaturnPanel-noticeTitle">
          {trans.__(
            'The jupyterlab_saturn_panel server extension is not installed or not enabled.'
          )}
        </p>
        <p className="jp-SaturnPanel-noticeHint">
          {trans.__(
            'Install the Python package in the environment that runs the Jupyter server, run "jupyter server extension enable jupyterlab_saturn_panel", and restart the server.'
          )}
        </p>
        <RetryButton context={props.context} label={trans.__('Try again')} />
      </div>
    );
  }
  if (model.extensionState === 'failed') {
    return (
      <div className="jp-SaturnPanel-notice jp-mod-error" role="alert">
        <p className="jp-SaturnPanel-noticeTitle">
          {trans.__('The panel could not read its configuration.')}
        </p>
        {model.extensionError && (
          <p className="jp-SaturnPanel-noticeMessage">{model.extensionError}</p>
        )}
        <RetryButton context={props.context} label={trans.__('Try again')} />
      </div>
    );
  }
  return null;
}

/**
 * The state of live updates, when they are not flowing.
 */
function ConnectionBanner(props: IPanelHeaderProps): JSX.Element | null {
  const { model, trans } = props.context;
  const status = model.connection;
  const now = useNow(1000);
  if (status.state === 'connected') {
    return null;
  }
  if (status.state === 'connecting') {
    return (
      <div
        className="jp-SaturnPanel-connection jp-mod-connecting"
        role="status"
      >
        {trans.__('Connecting to live updates…')}
      </div>
    );
  }
  const reason = status.reason
    ? Private.reasonText(status.reason, status.detail, trans)
    : null;
  let when: string;
  if (status.state === 'stopped') {
    when = trans.__('Live updates are off.');
  } else if (status.retryAt === null || status.retryAt <= now) {
    when = trans.__('Reconnecting…');
  } else {
    when = trans.__(
      'Reconnecting in %1 s…',
      Math.ceil((status.retryAt - now) / 1000)
    );
  }
  return (
    <div
      className="jp-SaturnPanel-connection jp-mod-disconnected"
      role="status"
      data-state={status.state}
    >
      <span>
        {trans.__('Disconnected from live updates.')} {reason && `${reason} `}
        {when}
      </span>
      <RetryButton context={props.context} label={trans.__('Reconnect now')} />
    </div>
  );
}

/**
 * A button that runs the refresh command.
 */
function RetryButton(
  props: IPanelHeaderProps & { label: string }
): JSX.Element {
  const { commands } = props.context;
  return (
    <button
      type="button"
      className="jp-Button jp-mod-styled jp-mod-reject jp-SaturnPanel-retry"
      aria-label={props.label}
      title={props.label}
      onClick={() => void commands.execute(CommandIDs.refresh)}
    >
      {props.label}
    </button>
  );
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Why the stream is down, in words.
   */
  export function reasonText(
    reason: DisconnectReason,
    detail: string | null,
    trans: IPanelContext['trans']
  ): string {
    switch (reason) {
      case 'network':
        return trans.__('The Jupyter server cannot be reached.');
      case 'http':
        return detail
          ? trans.__('The server answered: %1', detail)
          : trans.__('The server answered with an error.');
      case 'not-found':
        return trans.__('The server extension was not found.');
    }
  }
}
