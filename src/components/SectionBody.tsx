/**
 * The body of a section: the backend's notice, then its resources.
 */
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { Backend, backendCondition, isLastKnown, IResource } from '../api';
import { BackendNotice } from './BackendNotice';
import type { IPanelContext } from './context';
import { JobRow } from './JobRow';
import { ResourceRow } from './ResourceRow';
import { useNow } from './useNow';

/**
 * What a section lists: hub servers, Saturn workspaces, Saturn jobs.
 */
export type SectionKind = 'hub' | 'saturn' | 'jobs';

/**
 * Properties of `SectionBody`.
 */
export interface ISectionBodyProps {
  readonly context: IPanelContext;
  readonly section: SectionKind;
}

/**
 * A section's body, re-rendered on every change of the model.
 */
export function SectionBody(props: ISectionBodyProps): JSX.Element {
  return (
    <UseSignal signal={props.context.model.changed}>
      {() => <SectionContent {...props} />}
    </UseSignal>
  );
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
  // The same notice in every section of a backend (the Jobs section too).
  const notice = (
    <BackendNotice
      backend={backend}
      context={context}
      now={now}
      announce={section !== 'jobs'}
    />
  );
  if (backendCondition(config, backend) === 'unconfigured') {
    return <div className="jp-SaturnPanel-sectionContent">{notice}</div>;
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
    section === 'hub' ? 'server' : section === 'saturn' ? 'workspace' : 'job';
  if (lastKnown && model.count(backend, kind) === 0) {
    return <div className="jp-SaturnPanel-sectionContent">{notice}</div>;
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
    list = grouped ? (
      <div
        className="jp-SaturnPanel-groups"
        aria-label={listLabel}
        role="group"
      >
        {groups.map(group => (
          <section
            key={group.owner}
            className="jp-SaturnPanel-group"
            data-owner={group.owner}
          >
            <h3 className="jp-SaturnPanel-groupTitle">
              {group.owner === config.hub.user
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
    ) : (
      <Rows
        resources={([] as IResource[]).concat(...groups.map(g => g.resources))}
        context={context}
        showOwner={false}
        now={now}
        lastKnown={lastKnown}
        label={listLabel}
      />
    );
  } else {
    const workspaces = model.saturnWorkspaces();
    const showOwner = workspaces.some(w => w.owner !== config.saturn.user);
    list = (
      <Rows
        resources={workspaces}
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
  if (shown === 0) {
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

  return (
    <div className="jp-SaturnPanel-sectionContent">
      {notice}
      {empty ?? list}
    </div>
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
        />
      ))}
    </ul>
  );
}

/**
 * Properties of `JobsContent`.
 */
interface IJobsContentProps {
  readonly context: IPanelContext;
  readonly now: number;
  /**
   * The Saturn Cloud notice (the same as in the Saturn Cloud section).
   */
  readonly notice: JSX.Element;
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
