/**
 * What the panel shows of sharing: who a row's server is shared with, its
 * Share button, the note on how to turn sharing on, and the Shared with me
 * group of the hub section.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon, launchIcon } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import type { IResource } from '../api';
import { CommandButton } from '../components/CommandButton';
import { StatusBadge } from '../components/StatusBadge';
import { useRowFocus } from '../components/rowFocus';
import type { IShare } from './api';
import { SHARED_ROW_CLASS, SharingCommandIDs, shareIcon } from './commands';
import { SharingStore, sharingStore } from './store';

/**
 * Re-render when the store changes.
 */
export function useSharingStore(store: SharingStore = sharingStore): number {
  const [revision, setRevision] = React.useState(0);
  // Connected while the DOM is committed (a layout effect), and once more on
  // connecting: a change between the first render and the connection (a
  // refresh that settled, a click) is not missed.
  React.useLayoutEffect(() => {
    const onChange = () => setRevision(r => r + 1);
    store.changed.connect(onChange);
    onChange();
    return () => {
      store.changed.disconnect(onChange);
    };
  }, [store]);
  return revision;
}

/**
 * "Shared with bob, carol" under a hub server's name (nothing when it is
 * not shared).
 */
export function SharedWithLine(props: {
  resource: IResource;
  trans: TranslationBundle;
  store?: SharingStore;
}): JSX.Element | null {
  const store = props.store ?? sharingStore;
  useSharingStore(store);
  const { resource, trans } = props;
  if (resource.backend !== 'hub' || resource.kind !== 'server') {
    return null;
  }
  const names = store
    .sharesOf(resource.key)
    .map(share =>
      share.kind === 'group'
        ? trans.__('group %1', share.group ?? '')
        : (share.user ?? '')
    )
    .filter(Boolean);
  const links = store.codesOf(resource.key).length;
  if (names.length === 0 && links === 0) {
    return null;
  }
  const parts = [...names];
  if (links > 0) {
    parts.push(trans._n('%1 link', '%1 links', links));
  }
  return (
    <div className="jp-SaturnPanel-sharedWith">
      <shareIcon.react tag="span" elementSize="normal" />
      <span>{trans.__('Shared with %1', parts.join(', '))}</span>
    </div>
  );
}

/**
 * The Share button of a running hub server the user may share.
 */
export function ShareButton(props: {
  resource: IResource;
  commands: CommandRegistry;
  store?: SharingStore;
}): JSX.Element | null {
  const store = props.store ?? sharingStore;
  useSharingStore(store);
  const { resource, commands } = props;
  if (
    resource.backend !== 'hub' ||
    resource.kind !== 'server' ||
    resource.status !== 'running' ||
    !store.canShare(resource.owner)
  ) {
    return null;
  }
  return (
    <CommandButton
      commands={commands}
      id={SharingCommandIDs.share}
      args={{ key: resource.key }}
      icon={shareIcon}
      className="jp-mod-share"
    />
  );
}

/**
 * The hub section's sharing part: the note on how to turn sharing on (once,
 * dismissible) and the Shared with me group.
 */
export function SharingSection(props: {
  commands: CommandRegistry;
  trans: TranslationBundle;
  store?: SharingStore;
}): JSX.Element | null {
  const store = props.store ?? sharingStore;
  useSharingStore(store);
  const { trans, commands } = props;
  const config = store.config;
  if (!config || !config.usable) {
    return null;
  }
  const hint =
    !store.hintDismissed && !config.share && config.sharingHint ? (
      <div className="jp-SaturnPanel-sharingHint" role="note">
        <span>{config.sharingHint}</span>
        <button
          type="button"
          className="jp-SaturnPanel-button jp-SaturnPanel-dismiss"
          aria-label={trans.__('Dismiss the note on sharing')}
          title={trans.__('Dismiss')}
          onClick={() => store.dismissHint()}
        >
          <closeIcon.react tag="span" elementSize="normal" />
        </button>
      </div>
    ) : null;
  const shared = store.sharedWithMe ?? [];
  const group =
    shared.length > 0 || store.sharedError ? (
      <div className="jp-SaturnPanel-sharedWithMe">
        <h3
          className="jp-SaturnPanel-groupTitle"
          id="jp-SaturnPanel-sharedHeading"
        >
          {trans.__('Shared with me')}
        </h3>
        {store.sharedError && (
          <div className="jp-SaturnPanel-message jp-mod-error" role="alert">
            {store.sharedError}
          </div>
        )}
        <ul
          className="jp-SaturnPanel-list"
          aria-labelledby="jp-SaturnPanel-sharedHeading"
        >
          {shared.map(share => (
            <SharedRow
              key={`${share.server.key}:${share.kind}:${share.group ?? ''}`}
              share={share}
              commands={commands}
              trans={trans}
            />
          ))}
        </ul>
      </div>
    ) : null;
  if (!hint && !group) {
    return null;
  }
  return (
    <>
      {hint}
      {group}
    </>
  );
}

/**
 * A server shared with the user: its owner, status, Open and Leave.
 */
function SharedRow(props: {
  share: IShare;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { share, commands, trans } = props;
  const { server } = share;
  const focus = useRowFocus(`shared:${server.key}`);
  const label = server.name
    ? trans.__("%1's server %2", server.owner, server.name)
    : trans.__("%1's default server", server.owner);
  const openLabel = trans.__('Open %1 in a new tab', label);
  return (
    <li
      className={`jp-SaturnPanel-row ${SHARED_ROW_CLASS} jp-mod-${server.status}`}
      data-key={server.key}
      data-status={server.status}
      aria-label={trans.__('%1, shared with you', label)}
      {...focus}
    >
      <div className="jp-SaturnPanel-rowHeader">
        {server.url ? (
          <a
            className="jp-SaturnPanel-name jp-SaturnPanel-link"
            href={server.url}
            target="_blank"
            rel="noopener noreferrer"
            title={openLabel}
          >
            {server.name || trans.__('Default')}
          </a>
        ) : (
          <span className="jp-SaturnPanel-name" title={label}>
            {server.name || trans.__('Default')}
          </span>
        )}
        <StatusBadge status={server.status} trans={trans} />
        <span className="jp-SaturnPanel-actions">
          {share.kind === 'user' && (
            <CommandButton
              commands={commands}
              id={SharingCommandIDs.leave}
              args={{ key: server.key }}
              icon={closeIcon}
              className="jp-mod-leave"
            />
          )}
          {server.url && (
            <a
              className="jp-SaturnPanel-action jp-SaturnPanel-openLink jp-mod-open"
              href={server.url}
              target="_blank"
              rel="noopener noreferrer"
              aria-label={openLabel}
              title={openLabel}
              tabIndex={-1}
            >
              <launchIcon.react tag="span" elementSize="normal" />
            </a>
          )}
        </span>
      </div>
      <div className="jp-SaturnPanel-meta">
        <span className="jp-SaturnPanel-owner">
          {trans.__('owner: %1', server.owner)}
        </span>
        {share.kind === 'group' && (
          <span className="jp-SaturnPanel-hint">
            {trans.__('through the group %1', share.group ?? '')}
          </span>
        )}
      </div>
    </li>
  );
}
