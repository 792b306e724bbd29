/**
 * The body of a section: the backend's notice (in one section per backend),
 * then its resources.
 *
 * Built for hubs of thousands of users (issue 11): a section renders nothing
 * while it is hidden (and catches up when shown), a list shows its first
 * `ROWS_PER_PAGE` rows and a button for more, and rows are memoized so a
 * change re-renders only its own row.
 */
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import {
  Backend,
  backendCondition,
  backendName,
  isLastKnown,
  IResource
} from '../api';
import type { IOwnerGroup } from '../model';
import { BackendNotice } from './BackendNotice';
import type { IPanelContext } from './context';
import { JobRow } from './JobRow';
import { ResourceRow } from './ResourceRow';
import { useNow } from './useNow';
import { SharingSection } from '../sharing/components';

/**
 * What a section lists: hub servers, Saturn workspaces, Saturn deployments,
 * Saturn jobs.
 */
export type SectionKind = 'hub' | 'saturn' | 'deployments' | 'jobs';

/**
 * How many rows a list shows before its "Show more" button.
 */
export const ROWS_PER_PAGE = 100;

/**
 * Properties of `SectionBody`.
 */
export interface ISectionBodyProps {
  readonly context: IPanelContext;
  readonly section: SectionKind;
  /**
   * Whether the section is on screen; a hidden one renders nothing.
   */
  readonly isShown?: () => boolean;
  /**
   * Whether this section shows its backend's notice: one section per
   * backend does (the first one shown and expanded), so the Saturn Cloud
   * notice is not repeated above the jobs. Default: it does.
   */
  readonly holdsNotice?: () => boolean;
}

/**
 * A section's body, re-rendered on every change of the model while shown.
 */
export function SectionBody(props: ISectionBodyProps): JSX.Element {
  const { isShown } = props;
  return (
    <UseSignal signal={props.context.model.changed}>
      {() => (!isShown || isShown() ? <SectionContent {...props} /> : null)}
    </UseSignal>
  );
}

/**
 * The widget of a section's body: renders while visible, and again when shown.
 */
export class SectionBodyWidget extends ReactWidget {
  /**
   * Create the body of one section.
   */
  constructor(
    private readonly _context: IPanelContext,
    private readonly _section: SectionKind,
    private readonly _holdsNotice?: () => boolean
  ) {
    super();
    this.addClass('jp-SaturnPanel-sectionBody');
  }

  protected render(): JSX.Element {
    return (
      <SectionBody
        context={this._context}
        section={this._section}
        isShown={() => this.isVisible}
        holdsNotice={this._holdsNotice}
      />
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.update(); // catch up with what changed while hidden
  }
}

/**
 * The content of a section for the model's current state.
 */
function SectionContent(props: ISectionBodyProps): JSX.Element {
  const { context, section } = props;
  const { model, trans } = context;
  const now = useNow(30000);
  const config = model.config;

  if (model.extensionState === 'missing' || model.extensionState === 'failed') {
    return (
      <div className="jp-SaturnPanel-empty">
        {trans.__('Unavailable: see the message above.')}
      </div>
    );
  }
  if (!config) {
    return (
      <div className="jp-SaturnPanel-empty" role="status">
        {trans.__('Loading…')}
      </div>
    );
  }
  const backend: Backend = section === 'hub' ? 'hub' : 'saturn';
  // One notice per backend: in the first of its sections that is shown.
  const holdsNotice = props.holdsNotice ? props.holdsNotice() : true;
  const notice = holdsNotice ? (
    <BackendNotice backend={backend} context={context} now={now} />
  ) : null;
  const condition = backendCondition(config, backend);
  if (condition === 'unconfigured') {
    return (
      <div className="jp-SaturnPanel-sectionContent">
        {notice ?? (
          <div className="jp-SaturnPanel-empty">
            {trans.__('%1 is not configured.', backendName(backend, trans))}
          </div>
        )}
      </div>
    );
  }
  if (!model.hasSnapshot) {
    return (
      <div className="jp-SaturnPanel-sectionContent">
        {notice}
        <div className="jp-SaturnPanel-empty" role="status">
          {trans.__('Loading…')}
        </div>
      </div>
    );
  }
  // A backend that is stale or does not answer: its rows stay, marked as the
  // last known state; with none, there is nothing to list.
  const lastKnown = isLastKnown(config, backend);
  const kind =
    section === 'hub'
      ? 'server'
      : section === 'saturn'
        ? 'workspace'
        : section === 'deployments'
          ? 'deployment'
          : 'job';
  if (lastKnown && model.count(backend, kind) === 0) {
    return (
      <div className="jp-SaturnPanel-sectionContent">
        {notice ?? (
          <div className="jp-SaturnPanel-empty">
            {trans.__(
              'Nothing known yet: %1 could not be read.',
              backendName(backend, trans)
            )}
          </div>
        )}
      </div>
    );
  }
  if (section === 'jobs') {
    return (
      <JobsContent
        context={context}
        now={now}
        notice={notice}
        lastKnown={lastKnown}
      />
    );
  }

  if (section === 'deployments') {
    return (
      <DeploymentsContent
        context={context}
        now={now}
        notice={notice}
        lastKnown={lastKnown}
      />
    );
  }

  const total = model.count(backend, kind);
  const listLabel =
    section === 'hub'
      ? trans.__('JupyterHub servers')
      : trans.__('Saturn Cloud workspaces');

  let list: JSX.Element;
  if (section === 'hub') {
    const groups = model.hubServers();
    const grouped =
      config.hub.abilities.listAllUsers ||
      groups.some(g => g.owner !== config.hub.user);
    list = (
      <>
        <PagedGroups
          groups={groups}
          grouped={grouped}
          context={context}
          now={now}
          lastKnown={lastKnown}
          label={listLabel}
        />
        {config.hub.abilities.listAllUsers && (
          <HubSearchResults context={context} now={now} />
        )}
      </>
    );
  } else {
    const workspaces = model.saturnWorkspaces();
    const showOwner = workspaces.some(w => w.owner !== config.saturn.user);
    list = (
      <PagedGroups
        groups={[{ owner: '', resources: workspaces }]}
        grouped={false}
        context={context}
        showOwner={showOwner}
        now={now}
        lastKnown={lastKnown}
        label={listLabel}
      />
    );
  }

  let empty: JSX.Element | null = null;
  const shown =
    section === 'hub'
      ? model.list('hub', 'server').length
      : model.list('saturn', 'workspace').length;
  if (shown === 0 && !(section === 'hub' && model.hubSearch)) {
    empty = (
      <div className="jp-SaturnPanel-empty">
        {total > 0
          ? trans.__('Nothing matches "%1".', model.filter)
          : section === 'hub'
            ? trans.__(
                'No servers yet. Create a named server with the + button.'
              )
            : trans.__(
                'No workspaces yet. Create one from a recipe with the + button.'
              )}
      </div>
    );
  }
  // With a token that may list users, only running servers and the user's
  // own are listed: say how to find the others.
  const searchHint =
    section === 'hub' &&
    config.hub.abilities.listAllUsers &&
    !model.filter.trim() ? (
      <div className="jp-SaturnPanel-hint">
        {trans.__(
          "Your servers and everyone's running servers. Type a user's name in the filter to find their stopped servers."
        )}
      </div>
    ) : null;

  return (
    <div className="jp-SaturnPanel-sectionContent">
      {notice}
      {empty ?? list}
      {searchHint}
      {section === 'hub' && (
        <SharingSection commands={context.commands} trans={trans} />
      )}
    </div>
  );
}

/**
 * Properties of `PagedGroups`.
 */
interface IPagedGroupsProps {
  readonly groups: ReadonlyArray<IOwnerGroup>;
  /**
   * Show each owner's heading (hub servers of several users).
   */
  readonly grouped: boolean;
  readonly context: IPanelContext;
  readonly showOwner?: boolean;
  readonly now: number;
  readonly lastKnown: boolean;
  readonly label: string;
}

/**
 * Lists of rows, by owner when grouped, showing the first `ROWS_PER_PAGE`
 * rows in all and a button for the next ones: a list of thousands of rows
 * costs what its first hundred do.
 */
function PagedGroups(props: IPagedGroupsProps): JSX.Element {
  const { groups, grouped, context, now, lastKnown, label } = props;
  const { trans, model } = context;
  const [limit, setLimit] = React.useState(ROWS_PER_PAGE);
  const total = groups.reduce((n, g) => n + g.resources.length, 0);
  let left = limit;
  const shown: IOwnerGroup[] = [];
  for (const group of groups) {
    if (left <= 0) {
      break;
    }
    shown.push({ ...group, resources: group.resources.slice(0, left) });
    left -= group.resources.length;
  }
  const hidden = total - Math.min(total, limit);
  const more =
    hidden > 0 ? (
      <button
        type="button"
        className="jp-SaturnPanel-more jp-mod-styled jp-mod-minimal"
        onClick={() => setLimit(limit + ROWS_PER_PAGE)}
      >
        {trans.__(
          'Show %1 more (%2 not shown)',
          Math.min(hidden, ROWS_PER_PAGE),
          hidden
        )}
      </button>
    ) : null;
  if (!grouped) {
    return (
      <>
        <Rows
          resources={shown[0]?.resources ?? []}
          context={context}
          showOwner={props.showOwner ?? false}
          now={now}
          lastKnown={lastKnown}
          label={label}
        />
        {more}
      </>
    );
  }
  const you = model.currentUser('hub');
  return (
    <>
      <div className="jp-SaturnPanel-groups" aria-label={label} role="group">
        {shown.map(group => (
          <section
            key={group.owner}
            className="jp-SaturnPanel-group"
            data-owner={group.owner}
          >
            <h3 className="jp-SaturnPanel-groupTitle">
              {group.owner === you
                ? trans.__('%1 (you)', group.owner)
                : group.owner}
            </h3>
            <Rows
              resources={group.resources}
              context={context}
              showOwner={false}
              now={now}
              lastKnown={lastKnown}
              label={trans.__('Servers of %1', group.owner)}
            />
          </section>
        ))}
      </div>
      {more}
    </>
  );
}

/**
 * The hub's other users that the filter names (see `HubSearch`).
 */
function HubSearchResults(props: {
  readonly context: IPanelContext;
  readonly now: number;
}): JSX.Element | null {
  const { context, now } = props;
  const { model, trans, hubSearch } = context;
  const search = model.hubSearch;
  if (!search) {
    return null;
  }
  const groups = model
    .hubSearchResults()
    .map(g => ({
      owner: g.owner,
      resources: g.resources.filter(r => model.matchesFilter(r))
    }))
    .filter(g => g.resources.length > 0);
  const title = trans.__('Other users matching "%1"', search.text);
  let status: JSX.Element | null = null;
  if (search.error) {
    status = (
      <div className="jp-SaturnPanel-searchStatus" role="alert">
        {trans.__('The search failed: %1', search.error)}{' '}
        <button
          type="button"
          className="jp-SaturnPanel-more jp-mod-styled jp-mod-minimal"
          onClick={() => void hubSearch?.retry()}
        >
          {trans.__('Retry')}
        </button>
      </div>
    );
  } else if (search.loading) {
    status = (
      <div className="jp-SaturnPanel-searchStatus" role="status">
        {trans.__('Searching the hub…')}
      </div>
    );
  } else if (groups.length === 0) {
    status = (
      <div className="jp-SaturnPanel-searchStatus" role="status">
        {trans.__('No other users match.')}
      </div>
    );
  }
  return (
    <section
      className="jp-SaturnPanel-searchResults"
      aria-label={title}
      data-search={search.text}
    >
      <h3 className="jp-SaturnPanel-searchTitle">{title}</h3>
      {groups.length > 0 && (
        <PagedGroups
          groups={groups}
          grouped={true}
          context={context}
          now={now}
          lastKnown={false}
          label={title}
        />
      )}
      {status}
      {search.next !== null && !search.loading && !search.error && (
        <button
          type="button"
          className="jp-SaturnPanel-more jp-mod-styled jp-mod-minimal"
          onClick={() => void hubSearch?.more()}
        >
          {search.total !== null
            ? trans.__(
                'Find more users (%1 of %2 listed)',
                search.users.length,
                search.total
              )
            : trans.__('Find more users')}
        </button>
      )}
    </section>
  );
}

/**
 * Properties of `Rows`.
 */
interface IRowsProps {
  readonly resources: ReadonlyArray<IResource>;
  readonly context: IPanelContext;
  readonly showOwner: boolean;
  readonly now: number;
  /**
   * The rows are the backend's last known state.
   */
  readonly lastKnown: boolean;
  readonly label: string;
}

/**
 * A list of rows.
 */
function Rows(props: IRowsProps): JSX.Element {
  return (
    <ul className="jp-SaturnPanel-list" aria-label={props.label}>
      {props.resources.map(resource => (
        <ResourceRow
          key={resource.key}
          resource={resource}
          context={props.context}
          showOwner={props.showOwner}
          now={props.now}
          lastKnown={props.lastKnown}
          busy={props.context.model.isBusy(resource.key)}
          config={props.context.model.config}
        />
      ))}
    </ul>
  );
}

/**
 * The Saturn deployments (model APIs, dashboards): rows with their status,
 * Start, Stop, Restart, Logs and Open.
 */
function DeploymentsContent(props: IJobsContentProps): JSX.Element {
  const { context, now, notice, lastKnown } = props;
  const { model, trans } = context;
  const deployments = model.list('saturn', 'deployment');
  const user = model.config?.saturn.user ?? null;
  const showOwner = deployments.some(d => d.owner !== user);
  const body =
    deployments.length === 0 ? (
      <div className="jp-SaturnPanel-empty">
        {model.count('saturn', 'deployment') > 0
          ? trans.__('Nothing matches "%1".', model.filter)
          : trans.__(
              'No deployments yet. Create one from a deployment recipe with the + button of Saturn Cloud.'
            )}
      </div>
    ) : (
      <PagedGroups
        groups={[{ owner: '', resources: deployments }]}
        grouped={false}
        context={context}
        showOwner={showOwner}
        now={now}
        lastKnown={lastKnown}
        label={trans.__('Saturn Cloud deployments')}
      />
    );
  return (
    <div className="jp-SaturnPanel-sectionContent">
      {notice}
      {body}
    </div>
  );
}

/**
 * Properties of `JobsContent`.
 */
interface IJobsContentProps {
  readonly context: IPanelContext;
  readonly now: number;
  /**
   * The Saturn Cloud notice, when this section holds it.
   */
  readonly notice: JSX.Element | null;
  /**
   * The jobs are Saturn Cloud's last known state.
   */
  readonly lastKnown: boolean;
}

/**
 * The Saturn jobs, each with its recent runs.
 */
function JobsContent(props: IJobsContentProps): JSX.Element {
  const { context, now, notice, lastKnown } = props;
  const { model, trans } = context;
  const jobs = model.saturnJobs();
  const user = model.config?.saturn.user ?? null;
  const showOwner = jobs.some(j => j.owner !== user);
  let body: JSX.Element;
  if (jobs.length === 0) {
    body = (
      <div className="jp-SaturnPanel-empty">
        {model.count('saturn', 'job') > 0
          ? trans.__('Nothing matches "%1".', model.filter)
          : trans.__(
              'No jobs yet. Run a notebook as a Saturn job from its toolbar or the file browser.'
            )}
      </div>
    );
  } else {
    body = (
      <ul
        className="jp-SaturnPanel-list"
        aria-label={trans.__('Saturn Cloud jobs')}
      >
        {jobs.map(job => (
          <JobRow
            key={job.key}
            job={job}
            context={context}
            showOwner={showOwner}
            now={now}
            lastKnown={lastKnown}
          />
        ))}
      </ul>
    );
  }
  return (
    <div className="jp-SaturnPanel-sectionContent">
      {notice}
      {body}
    </div>
  );
}
