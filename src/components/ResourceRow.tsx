/**
 * One resource in a section: name, owner, status, times, progress, actions.
 */
import {
  caretDownEmptyIcon,
  deleteIcon,
  launchIcon,
  LabIcon,
  listIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Menu } from '@lumino/widgets';
import * as React from 'react';

import {
  IConfig,
  IResource,
  ResourceAction,
  isDefaultServer,
  resourceLabel,
  statusLabel
} from '../api';
import { formatAbsoluteTime, formatRelativeTime, parseTime } from '../time';
import { OPEN_SPAWN_PAGE, spawnPageOf } from '../commands/startOptions';
import { CommandIDs } from '../tokens';
import { CommandButton } from './CommandButton';
import type { IPanelContext } from './context';
import { LastKnownMark } from './LastKnown';
import { ProgressBar } from './ProgressBar';
import { useRowFocus } from './rowFocus';
import { ownerAndSize } from './RowMeta';
import { StatusBadge } from './StatusBadge';
import { SharedWithLine, ShareButton } from '../sharing/components';

/**
 * Properties of `ResourceRow`.
 */
export interface IResourceRowProps {
  readonly resource: IResource;
  readonly context: IPanelContext;
  /**
   * Show the owner (when the list holds other users' resources).
   */
  readonly showOwner: boolean;
  /**
   * The current time, for relative times.
   */
  readonly now: number;
  /**
   * The row is its backend's last known state (stale or not answering).
   */
  readonly lastKnown?: boolean;
  /**
   * A request on the resource is in flight (`model.isBusy`).
   */
  readonly busy?: boolean;
  /**
   * The backends' configuration: what the buttons offer depends on it.
   */
  readonly config?: IConfig | null;
}

/**
 * A row, re-rendered only when its own props change: a change of one
 * resource among thousands re-renders one row.
 */
export const ResourceRow = React.memo(ResourceRowView);

/**
 * A row. Its element carries the hooks browser tests use: class
 * `jp-SaturnPanel-row`, `data-key`, `data-status`; the context menu finds the
 * resource through `data-key`.
 */
function ResourceRowView(props: IResourceRowProps): JSX.Element {
  const { resource, context, showOwner, now, lastKnown = false } = props;
  const { trans, commands, model } = context;
  // In the row, inside its owner's group: the short name.
  const label = resourceLabel(resource, trans, 'short');
  const args = { key: resource.key };
  const focus = useRowFocus(resource.key);
  // A stopped hub server whose hub has start options: Start is a split
  // button, its menu offers them (and the hub's own start page).
  const offersOptions =
    resource.backend === 'hub' &&
    resource.kind === 'server' &&
    resource.actions.includes('start') &&
    !!props.config?.hub.spawnOptions;
  const startRef = React.useRef<HTMLSpanElement>(null);
  const menuButtonRef = React.useRef<HTMLButtonElement>(null);
  const status = React.useRef(resource.status);
  React.useLayoutEffect(() => {
    // A status change gives the focus back to the control at the same place
    // (rowFocus): Stop becomes Start, never the menu beside it.
    const changed = status.current !== resource.status;
    status.current = resource.status;
    if (changed && document.activeElement === menuButtonRef.current) {
      startRef.current
        ?.querySelector<HTMLButtonElement>('.jp-mod-start')
        ?.focus();
    }
  });

  const button = (
    action: ResourceAction,
    id: string,
    icon: LabIcon,
    className: string
  ): JSX.Element | null =>
    resource.actions.includes(action) ? (
      <CommandButton
        key={action}
        commands={commands}
        id={id}
        args={args}
        icon={icon}
        className={className}
      />
    ) : null;

  const openLabel = commands.label(CommandIDs.open, args);
  const onLinkClick = (event: React.MouseEvent<HTMLAnchorElement>) => {
    // A plain click runs the command (the single place that opens tabs);
    // modified clicks (new window, background tab) keep the browser's way.
    if (
      event.button === 0 &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.shiftKey &&
      !event.altKey
    ) {
      event.preventDefault();
      void commands.execute(CommandIDs.open, args);
    }
  };
  // A last known state offers no live link.
  const canOpen =
    !lastKnown && model.canDo(resource.key, 'open') && resource.url;

  const meta = ownerAndSize(resource, trans, showOwner);
  const ide = resource.details.ide;
  if (ide === 'jupyter' || ide === 'rstudio') {
    meta.push(
      <span key="ide" className="jp-SaturnPanel-ide" title={trans.__('IDE')}>
        {ide === 'jupyter' ? trans.__('Jupyter') : trans.__('RStudio')}
      </span>
    );
  }
  // What a hub server was started with: its profile's name, while active.
  const startedWith = resource.details.startedWith;
  if (
    typeof startedWith === 'string' &&
    startedWith &&
    resource.status !== 'stopped'
  ) {
    meta.push(
      <span
        key="profile"
        className="jp-SaturnPanel-profile"
        title={trans.__('Started with')}
      >
        {startedWith}
      </span>
    );
  }
  const activity = parseTime(resource.lastActivity);
  const started = parseTime(resource.started);
  if (activity) {
    meta.push(
      <time
        key="activity"
        className="jp-SaturnPanel-activity"
        dateTime={activity.toISOString()}
        title={trans.__('Last activity: %1', formatAbsoluteTime(activity))}
      >
        {trans.__('active %1', formatRelativeTime(activity, now, trans))}
      </time>
    );
  } else if (started && resource.status === 'running') {
    meta.push(
      <time
        key="started"
        className="jp-SaturnPanel-activity"
        dateTime={started.toISOString()}
        title={trans.__('Started: %1', formatAbsoluteTime(started))}
      >
        {trans.__('started %1', formatRelativeTime(started, now, trans))}
      </time>
    );
  }

  // A named hub server's name beside its display name, as the hub's home
  // page shows both.
  const secondaryName =
    resource.backend === 'hub' &&
    resource.name &&
    resource.displayName &&
    resource.displayName !== resource.name
      ? resource.name
      : null;

  const showMessage =
    resource.message &&
    resource.status !== 'pending' &&
    (resource.status === 'error' || resource.status === 'stopping');

  return (
    <li
      className={`jp-SaturnPanel-row jp-mod-${resource.status}${
        model.isBusy(resource.key) ? ' jp-mod-busy' : ''
      }${lastKnown ? ' jp-mod-stale' : ''}`}
      data-key={resource.key}
      data-status={resource.status}
      data-stale={lastKnown ? 'true' : undefined}
      data-backend={resource.backend}
      data-kind={resource.kind}
      aria-label={trans.__(
        '%1, %2',
        resourceLabel(resource, trans),
        statusLabel(resource.status, trans)
      )}
      {...focus}
    >
      <div className="jp-SaturnPanel-rowHeader">
        {canOpen ? (
          <a
            className="jp-SaturnPanel-name jp-SaturnPanel-link"
            href={resource.url ?? undefined}
            target="_blank"
            rel="noopener noreferrer"
            title={openLabel}
            onClick={onLinkClick}
          >
            {label}
          </a>
        ) : (
          <span
            className="jp-SaturnPanel-name"
            title={
              isDefaultServer(resource)
                ? trans.__('The default server of %1', resource.owner)
                : resource.name && resource.name !== label
                  ? trans.__('%1 (server name: %2)', label, resource.name)
                  : label
            }
          >
            {label}
          </span>
        )}
        {secondaryName && (
          <span
            className="jp-SaturnPanel-serverName"
            title={trans.__('Server name: %1', secondaryName)}
          >
            {secondaryName}
          </span>
        )}
        <StatusBadge status={resource.status} trans={trans} />
        {lastKnown && (
          <LastKnownMark
            backend={resource.backend}
            context={context}
            now={now}
          />
        )}
        <span className="jp-SaturnPanel-actions">
          {offersOptions ? (
            <span className="jp-SaturnPanel-split" ref={startRef}>
              {button('start', CommandIDs.start, runIcon, 'jp-mod-start')}
              <StartMenuButton
                commands={commands}
                resourceKey={resource.key}
                label={trans.__(
                  'More ways to start %1',
                  resourceLabel(resource, trans)
                )}
                spawnPage={!!spawnPageOf(resource)}
                buttonRef={menuButtonRef}
              />
            </span>
          ) : (
            button('start', CommandIDs.start, runIcon, 'jp-mod-start')
          )}
          {button('stop', CommandIDs.stop, stopIcon, 'jp-mod-stop')}
          <ShareButton resource={resource} commands={commands} />
          {button('restart', CommandIDs.restart, refreshIcon, 'jp-mod-restart')}
          {button(
            'logs',
            CommandIDs.openDeploymentLogs,
            listIcon,
            'jp-mod-logs'
          )}
          {button('delete', CommandIDs.remove, deleteIcon, 'jp-mod-delete')}
          {canOpen && (
            <a
              className="jp-SaturnPanel-action jp-SaturnPanel-openLink jp-mod-open"
              href={resource.url ?? undefined}
              target="_blank"
              rel="noopener noreferrer"
              aria-label={openLabel}
              title={openLabel}
              onClick={onLinkClick}
              // The name is the keyboard's link; this one is for the mouse.
              tabIndex={-1}
            >
              <launchIcon.react tag="span" elementSize="normal" />
            </a>
          )}
        </span>
      </div>
      {meta.length > 0 && <div className="jp-SaturnPanel-meta">{meta}</div>}
      <SharedWithLine resource={resource} trans={trans} />
      {resource.status === 'pending' && (
        <ProgressBar
          progress={resource.progress}
          estimated={resource.progressEstimated}
          message={resource.message}
          label={trans.__('Starting %1', label)}
          trans={trans}
        />
      )}
      {showMessage && (
        <div
          className={`jp-SaturnPanel-message jp-mod-${resource.status}`}
          role={resource.status === 'error' ? 'alert' : undefined}
        >
          {resource.message}
        </div>
      )}
    </li>
  );
}

/**
 * The menu half of a split Start: a button that opens a menu of the other
 * ways to start a hub server (each a command): with options, or on the hub's
 * own start page. Enter, Space or Alt+↓ open it; the menu takes the arrow
 * keys, Escape closes it and gives the focus back to the button.
 */
function StartMenuButton(props: {
  commands: CommandRegistry;
  resourceKey: string;
  label: string;
  spawnPage: boolean;
  buttonRef: React.RefObject<HTMLButtonElement>;
}): JSX.Element {
  const { commands, resourceKey, label, spawnPage, buttonRef } = props;
  const args = { key: resourceKey };
  const enabled =
    commands.isEnabled(CommandIDs.startWithOptions, args) ||
    (spawnPage && commands.isEnabled(OPEN_SPAWN_PAGE, args));
  const [open, setOpen] = React.useState(false);
  const openMenu = () => {
    const button = buttonRef.current;
    if (!button || open) {
      return;
    }
    const menu = new Menu({ commands });
    menu.addClass('jp-SaturnPanel-startMenu');
    menu.addItem({ command: CommandIDs.startWithOptions, args });
    if (spawnPage) {
      menu.addItem({ command: OPEN_SPAWN_PAGE, args });
    }
    menu.aboutToClose.connect(() => {
      setOpen(false);
      // Closed without running a command (Escape, a click elsewhere): the
      // focus goes back where it was.
      requestAnimationFrame(() => {
        if (
          button.isConnected &&
          (document.activeElement === document.body ||
            document.activeElement === null)
        ) {
          button.focus();
        }
        menu.dispose();
      });
    });
    const rect = button.getBoundingClientRect();
    setOpen(true);
    menu.open(rect.left, rect.bottom, { forceX: false, forceY: false });
    menu.activeIndex = 0;
  };
  return (
    <button
      type="button"
      ref={buttonRef}
      className="jp-SaturnPanel-action jp-SaturnPanel-button jp-SaturnPanel-splitMenu jp-mod-startMenu"
      aria-label={label}
      title={label}
      aria-haspopup="menu"
      aria-expanded={open}
      disabled={!enabled}
      onClick={openMenu}
      onKeyDown={event => {
        if (event.altKey && event.key === 'ArrowDown') {
          event.preventDefault();
          event.stopPropagation();
          openMenu();
        }
      }}
    >
      <caretDownEmptyIcon.react tag="span" elementSize="normal" />
    </button>
  );
}
