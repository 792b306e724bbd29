/**
 * What a section says when its backend is not configured, not reachable, or
 * its token lacks scopes: the server's `message`/`hint`/`missingScopes`, or
 * a default explanation of the `c.SaturnPanel.*` traits to set.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Backend, IConfig } from '../api';

/**
 * Properties of `BackendNotice`.
 */
export interface IBackendNoticeProps {
  readonly backend: Backend;
  readonly config: IConfig;
  readonly trans: TranslationBundle;
}

/**
 * A notice for a backend, or null when there is nothing to say.
 */
export function BackendNotice(props: IBackendNoticeProps): JSX.Element | null {
  const { backend, config, trans } = props;
  const state = config[backend];
  const name = Private.backendName(backend, trans);

  if (!state.configured) {
    return (
      <div className="jp-SaturnPanel-notice jp-mod-info" role="status">
        <p className="jp-SaturnPanel-noticeTitle">
          {state.message ?? trans.__('%1 is not configured.', name)}
        </p>
        <p className="jp-SaturnPanel-noticeHint">
          {state.hint ?? Private.configureHint(backend, trans)}
        </p>
      </div>
    );
  }
  if (!state.reachable) {
    return (
      <div className="jp-SaturnPanel-notice jp-mod-error" role="alert">
        <p className="jp-SaturnPanel-noticeTitle">
          {trans.__('%1 cannot be used right now.', name)}
        </p>
        {state.message && (
          <p className="jp-SaturnPanel-noticeMessage">{state.message}</p>
        )}
        <p className="jp-SaturnPanel-noticeHint">
          {state.hint ?? Private.unreachableHint(backend, trans)}
        </p>
      </div>
    );
  }

  const missingScopes = backend === 'hub' ? config.hub.missingScopes : [];
  const cannot = Private.forbiddenActions(backend, config, trans);
  if (missingScopes.length === 0 && cannot.length === 0 && !state.message) {
    return null;
  }
  return (
    <div className="jp-SaturnPanel-notice jp-mod-warning" role="status">
      {state.message && (
        <p className="jp-SaturnPanel-noticeMessage">{state.message}</p>
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
    </div>
  );
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The product name of a backend.
   */
  export function backendName(
    backend: Backend,
    trans: TranslationBundle
  ): string {
    return backend === 'hub'
      ? trans.__('JupyterHub')
      : trans.__('Saturn Cloud');
  }

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
