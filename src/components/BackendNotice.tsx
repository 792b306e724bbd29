/**
 * What a section says about its backend: not configured, not answering or
 * answering with an error (its rows are then the last known state, with the
 * time of the last good read and a Retry), or a token that lacks scopes.
 * Every section of a backend shows the same notice: one sentence (the
 * server's `message`, never an internal address), then the hint, then the
 * details for whoever configures the panel behind a "Details" disclosure.
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
  /**
   * Announce an error to assistive technologies (role `alert`): true in the
   * backend's first section only, so the same notice is not read twice.
   */
  readonly announce?: boolean;
}

/**
 * A notice for a backend, or null when there is nothing to say.
 */
export function BackendNotice(props: IBackendNoticeProps): JSX.Element | null {
  const { backend, context, now, announce = true } = props;
  const { model, trans } = context;
  const config = model.config;
  if (!config) {
    return null;
  }
  const state = config[backend];
  const condition = backendCondition(config, backend);
  const detail = backendDetail(state);
  const details = detail ? <Details detail={detail} trans={trans} /> : null;

  if (condition === 'unconfigured') {
    return (
      <div
        className="jp-SaturnPanel-notice jp-mod-info"
        role="status"
        data-backend={backend}
        data-condition={condition}
      >
        <p className="jp-SaturnPanel-noticeTitle">
          {backendHeadline(state, backend, trans)}
        </p>
        <p className="jp-SaturnPanel-noticeHint">
          {state.hint ?? Private.configureHint(backend, trans)}
        </p>
        {details}
      </div>
    );
  }
  if (condition === 'stale' || condition === 'unreachable') {
    const refreshing = model.isRefreshing(backend);
    const asOf = lastGoodReadText(state, now, trans);
    const hasRows = model.resources.some(r => r.backend === backend);
    return (
      <div
        className="jp-SaturnPanel-notice jp-mod-error"
        role={announce ? 'alert' : 'status'}
        data-backend={backend}
        data-condition={condition}
      >
        <p className="jp-SaturnPanel-noticeTitle">
          {backendHeadline(state, backend, trans)}
        </p>
        {hasRows && (
          <p className="jp-SaturnPanel-noticeStale">
            {asOf
              ? trans.__(
                  'Shown below: the last known state, %1. Actions that need %2 are paused.',
                  asOf,
                  backendName(backend, trans)
                )
              : trans.__(
                  'Shown below: the last known state. Actions that need %1 are paused.',
                  backendName(backend, trans)
                )}
          </p>
        )}
        <p className="jp-SaturnPanel-noticeHint">
          {state.hint ?? Private.unreachableHint(backend, trans)}
        </p>
        {details}
        <div className="jp-SaturnPanel-noticeActions">
          <Button
            small
            className="jp-SaturnPanel-noticeRetry"
            disabled={refreshing}
            aria-busy={refreshing}
            aria-label={trans.__(
              'Retry reading %1',
              backendName(backend, trans)
            )}
            title={trans.__('Read %1 again now', backendName(backend, trans))}
            onClick={() => void retryBackend(model, backend, trans)}
          >
            {refreshing ? trans.__('Retrying…') : trans.__('Retry')}
          </Button>
        </div>
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
      {state.message && (
        <p className="jp-SaturnPanel-noticeMessage">
          {backendHeadline(state, backend, trans)}
        </p>
      )}
      {cannot.length > 0 && (
        <p className="jp-SaturnPanel-noticeTitle">
          {trans.__('The token in use cannot %1.', cannot.join(', '))}
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
      {details}
    </div>
  );
}

/**
 * The details of a notice, for whoever configures the panel, behind a
 * disclosure.
 */
function Details(props: {
  readonly detail: string;
  readonly trans: TranslationBundle;
}): JSX.Element {
  return (
    <details className="jp-SaturnPanel-noticeDetails">
      <summary>{props.trans.__('Details')}</summary>
      <pre className="jp-SaturnPanel-noticeDetail">{props.detail}</pre>
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
