/**
 * The body of a section: the backend's notice, then its resources.
 */
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { Backend, isUsable, IResource } from '../api';
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
  const notice = (
    <BackendNotice backend={backend} config={config} trans={trans} />
  );
  if (!isUsable(config[backend])) {
    return <div className="jp-SaturnPanel-sectionContent">{notice}</div>;
  }
  if (section === 'jobs') {
    // The Saturn section already shows the backend's warnings.
    return model.hasSnapshot ? (
      <JobsContent context={context} now={now} />
    ) : (
      <div className="jp-SaturnPanel-sectionContent">
        <div className="jp-SaturnPanel-empty" role="status">
          {trans.__('Loading…')}
        </div>
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

  const kind = section === 'hub' ? 'server' : 'workspace';
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
}

/**
 * The Saturn jobs, each with its recent runs.
 */
function JobsContent(props: IJobsContentProps): JSX.Element {
  const { context, now } = props;
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
          />
        ))}
      </ul>
    );
  }
  return <div className="jp-SaturnPanel-sectionContent">{body}</div>;
}
