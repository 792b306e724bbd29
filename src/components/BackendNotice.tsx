/**
 * What a section says about its backend: not configured, not answering or
 * answering with an error (its rows are then the last known state, with the
 * time of the last good read and a Retry), or a token that lacks scopes.
 * One notice per backend, compact (issue 19): a sentence of our own and,
 * when the backend does not answer, Retry; the server's `message`, the hint
 * and the details behind a disclosure.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  Backend,
  backendCondition,
  backendDetail,
  backendHeadline,
  backendName,
  IConfig,
  lastGoodReadText
} from '../api';
import { retryBackend } from '../commands/kit';
import type { IPanelContext } from './context';

/**
 * Properties of `BackendNotice`.
 */
export interface IBackendNoticeProps {
  readonly backend: Backend;
  readonly context: IPanelContext;
  /**
   * The current time (epoch ms), for "as of 2 minutes ago".
   */
  readonly now: number;
}

/**
 * A backend's notice, or null when there is nothing to say: one sentence
 * (and Retry when the backend does not answer) on one or two lines, so the
 * rows stay in view under it; the backend's own message, the time of the last
 * good read, the hint and the details behind a "Details" disclosure. Shown
 * once per backend (see `SectionBody`), announced (role `alert`) when the
 * backend fails.
 */
export function BackendNotice(props: IBackendNoticeProps): JSX.Element | null {
  const { backend, context, now } = props;
  const { model, trans } = context;
  const config = model.config;
  if (!config) {
    return null;
  }
  const state = config[backend];
  const condition = backendCondition(config, backend);
  const name = backendName(backend, trans);
  const detail = backendDetail(state);

  if (condition === 'unconfigured') {
    return (
      <div
        className="jp-SaturnPanel-notice jp-mod-info"
        role="status"
        data-backend={backend}
        data-condition={condition}
      >
        <div className="jp-SaturnPanel-noticeLine">
          <p className="jp-SaturnPanel-noticeTitle">
            {trans.__('%1 is not configured.', name)}
          </p>
        </div>
        <Details trans={trans} summary={trans.__('How to configure it')}>
          {state.message && (
            <p className="jp-SaturnPanel-noticeMessage">
              {backendHeadline(state, backend, trans)}
            </p>
          )}
          <p className="jp-SaturnPanel-noticeHint">
            {state.hint ?? Private.configureHint(backend, trans)}
          </p>
          {detail && (
            <pre className="jp-SaturnPanel-noticeDetail">{detail}</pre>
          )}
        </Details>
      </div>
    );
  }
  if (condition === 'stale' || condition === 'unreachable') {
    const refreshing = model.isRefreshing(backend);
    const asOf = lastGoodReadText(state, now, trans);
    const hasRows = model.resources.some(r => r.backend === backend);
    const answering = state.reachable;
    let sentence: string;
    if (hasRows) {
      sentence = answering
        ? trans.__('%1 could not be read: below is its last known state.', name)
        : trans.__('%1 is not answering: below is its last known state.', name);
    } else {
      sentence = answering
        ? trans.__('%1 could not be read.', name)
        : trans.__('%1 is not answering.', name);
    }
    return (
      <div
        className="jp-SaturnPanel-notice jp-mod-error"
        role="alert"
        data-backend={backend}
        data-condition={condition}
      >
        <div className="jp-SaturnPanel-noticeLine">
          <p className="jp-SaturnPanel-noticeTitle">{sentence}</p>
          <Button
            small
            className="jp-mod-styled jp-mod-accept jp-SaturnPanel-noticeRetry"
            disabled={refreshing}
            aria-busy={refreshing}
            aria-label={trans.__('Retry reading %1', name)}
            title={trans.__('Read %1 again now', name)}
            onClick={() => void retryBackend(model, backend, trans)}
          >
            {refreshing ? trans.__('Retrying…') : trans.__('Retry')}
          </Button>
        </div>
        <Details trans={trans} summary={trans.__('Details')}>
          <p className="jp-SaturnPanel-noticeMessage">
            {backendHeadline(state, backend, trans)}
          </p>
          {hasRows && (
            <p className="jp-SaturnPanel-noticeStale">
              {asOf
                ? trans.__(
                    'Shown below: the last known state, %1. Actions that need %2 are paused.',
                    asOf,
                    name
                  )
                : trans.__(
                    'Shown below: the last known state. Actions that need %1 are paused.',
                    name
                  )}
            </p>
          )}
          <p className="jp-SaturnPanel-noticeHint">
            {state.hint ?? Private.unreachableHint(backend, trans)}
          </p>
          {detail && (
            <pre className="jp-SaturnPanel-noticeDetail">{detail}</pre>
          )}
        </Details>
      </div>
    );
  }

  const missingScopes = backend === 'hub' ? config.hub.missingScopes : [];
  const cannot = Private.forbiddenActions(backend, config, trans);
  if (missingScopes.length === 0 && cannot.length === 0 && !state.message) {
    return null;
  }
  return (
    <div
      className="jp-SaturnPanel-notice jp-mod-warning"
      role="status"
      data-backend={backend}
      data-condition="limited"
    >
      <div className="jp-SaturnPanel-noticeLine">
        <p className="jp-SaturnPanel-noticeTitle">
          {cannot.length > 0
            ? trans.__('The token in use cannot %1.', cannot.join(', '))
            : backendHeadline(state, backend, trans)}
        </p>
      </div>
      {(missingScopes.length > 0 ||
        cannot.length > 0 ||
        state.hint ||
        detail) && (
        <Details trans={trans} summary={trans.__('Details')}>
          {state.message && cannot.length > 0 && (
            <p className="jp-SaturnPanel-noticeMessage">
              {backendHeadline(state, backend, trans)}
            </p>
          )}
          {missingScopes.length > 0 && (
            <p className="jp-SaturnPanel-noticeScopes">
              {trans.__('Missing JupyterHub scopes:')}{' '}
              {missingScopes.map((scope, i) => (
                <React.Fragment key={scope}>
                  {i > 0 && ', '}
                  <code>{scope}</code>
                </React.Fragment>
              ))}
            </p>
          )}
          {(missingScopes.length > 0 || cannot.length > 0 || state.hint) && (
            <p className="jp-SaturnPanel-noticeHint">
              {state.hint ?? Private.scopesHint(config, trans)}
            </p>
          )}
          {detail && (
            <pre className="jp-SaturnPanel-noticeDetail">{detail}</pre>
          )}
        </Details>
      )}
    </div>
  );
}

/**
 * The rest of a notice, for whoever wants to know more or configures the
 * panel, behind a disclosure (closed at first).
 */
function Details(props: {
  readonly trans: TranslationBundle;
  readonly summary: string;
  readonly children?: React.ReactNode;
}): JSX.Element {
  return (
    <details className="jp-SaturnPanel-noticeDetails">
      <summary>{props.summary}</summary>
      <div className="jp-SaturnPanel-noticeBody">{props.children}</div>
    </details>
  );
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * How to configure a backend.
   */
  export function configureHint(
    backend: Backend,
    trans: TranslationBundle
  ): string {
    return backend === 'hub'
      ? trans.__(
          'Set c.SaturnPanel.hub_api_url and c.SaturnPanel.hub_api_token (and c.SaturnPanel.hub_public_url when the hub is served from another origin) in the Jupyter server configuration, then restart the server. Inside a JupyterHub single-user server they default to $JUPYTERHUB_API_URL and $JUPYTERHUB_API_TOKEN.'
        )
      : trans.__(
          'Set c.SaturnPanel.saturn_url and c.SaturnPanel.saturn_token (optionally c.SaturnPanel.saturn_admin_token) in the Jupyter server configuration, then restart the server. Inside a Saturn Cloud resource they default to $SATURN_BASE_URL and $SATURN_TOKEN.'
        );
  }

  /**
   * What to check when a backend cannot be reached.
   */
  export function unreachableHint(
    backend: Backend,
    trans: TranslationBundle
  ): string {
    return backend === 'hub'
      ? trans.__(
          'Check c.SaturnPanel.hub_api_url and that the token in c.SaturnPanel.hub_api_token is valid.'
        )
      : trans.__(
          'Check c.SaturnPanel.saturn_url and that the token in c.SaturnPanel.saturn_token is valid.'
        );
  }

  /**
   * How to grant the missing hub scopes.
   */
  export function scopesHint(
    config: IConfig,
    trans: TranslationBundle
  ): string {
    if (config.hub.kind === 'service') {
      return trans.__(
        "Add the missing scopes to the service's role in c.JupyterHub.load_roles and restart the hub."
      );
    }
    return trans.__(
      'Inside a JupyterHub single-user server, grant them to its token in the hub configuration, for example c.Spawner.server_token_scopes = ["read:servers!user", "servers!user", "read:users!user", "access:servers!user"] (add "list:users", "read:servers", "servers" for admins), then restart this server from the hub.'
    );
  }

  /**
   * The actions the backend's token may not take, as translated phrases.
   */
  export function forbiddenActions(
    backend: Backend,
    config: IConfig,
    trans: TranslationBundle
  ): string[] {
    const result: string[] = [];
    if (backend === 'hub') {
      const a = config.hub.abilities;
      if (!a.start) {
        result.push(trans.__('start servers'));
      }
      if (!a.stop) {
        result.push(trans.__('stop servers'));
      }
      if (!a.delete) {
        result.push(trans.__('delete servers'));
      }
    } else {
      const a = config.saturn.abilities;
      if (!a.start) {
        result.push(trans.__('start workspaces'));
      }
      if (!a.stop) {
        result.push(trans.__('stop workspaces'));
      }
    }
    return result;
  }
}
