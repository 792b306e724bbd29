/**
 * Whether a backend can be used now, and why not: the one place that turns a
 * backend's `config` block into the state the panel shows (live or last
 * known) and into the reason a blocked action gives (in its caption,
 * tooltip, launcher card or warning).
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type {
  Backend,
  IBackendConfig,
  IConfig,
  ResourceAction
} from './resource';
import { formatRelativeTime, parseTime } from '../time';

/**
 * Where a backend stands.
 *
 * - `unknown`: the configuration was not read yet;
 * - `unconfigured`: no URL or token is set;
 * - `stale`: the last read failed (unreachable, refused token, 5xx...); the
 *   resources are the last known;
 * - `unreachable`: the backend does not answer and nothing was ever read;
 * - `live`: the last read worked.
 */
export type BackendCondition =
  'unknown' | 'unconfigured' | 'stale' | 'unreachable' | 'live';

/**
 * The condition of a backend in a configuration.
 */
export function backendCondition(
  config: IConfig | null,
  backend: Backend
): BackendCondition {
  if (!config) {
    return 'unknown';
  }
  const state = config[backend];
  if (!state.configured) {
    return 'unconfigured';
  }
  if (state.stale) {
    return 'stale';
  }
  if (!state.reachable) {
    return 'unreachable';
  }
  return 'live';
}

/**
 * Whether the resources of a backend are its last known state rather than a
 * live one: the backend is stale or does not answer. Their actions need the
 * backend and are blocked; their links are not offered.
 */
export function isLastKnown(config: IConfig | null, backend: Backend): boolean {
  const condition = backendCondition(config, backend);
  return condition === 'stale' || condition === 'unreachable';
}

/**
 * Whether actions that need a backend can be taken now (the configuration
 * may still be unknown: the server then decides).
 */
export function backendLive(config: IConfig | null, backend: Backend): boolean {
  const condition = backendCondition(config, backend);
  return condition === 'live' || condition === 'unknown';
}

/**
 * The product name of a backend.
 */
export function backendName(
  backend: Backend,
  trans: TranslationBundle
): string {
  return backend === 'hub' ? trans.__('JupyterHub') : trans.__('Saturn Cloud');
}

/**
 * The one-sentence headline of a backend's trouble: the server's `message`,
 * unless it names an internal address (that belongs in the details), else a
 * sentence for the condition.
 */
export function backendHeadline(
  state: IBackendConfig<unknown>,
  backend: Backend,
  trans: TranslationBundle
): string {
  if (state.message && !Private.namesAnAddress(state.message)) {
    return Private.sentence(state.message);
  }
  const name = backendName(backend, trans);
  if (!state.configured) {
    return trans.__('%1 is not configured.', name);
  }
  if (state.reachable) {
    return trans.__('%1 did not accept the last request.', name);
  }
  return trans.__('%1 is not answering right now.', name);
}

/**
 * The details of a backend's trouble, for whoever configures the panel: the
 * server's `detail`, and its message when that named an address (so it was
 * not the headline).
 */
export function backendDetail(state: IBackendConfig<unknown>): string | null {
  const parts: string[] = [];
  if (state.message && Private.namesAnAddress(state.message)) {
    parts.push(state.message);
  }
  if (state.detail) {
    parts.push(state.detail);
  }
  return parts.length > 0 ? parts.join('\n') : null;
}

/**
 * "as of 2 minutes ago": when the backend was last read well, or null.
 *
 * @param now - the current time (epoch ms)
 */
export function lastGoodReadText(
  state: IBackendConfig<unknown>,
  now: number,
  trans: TranslationBundle
): string | null {
  const when = parseLastGoodRead(state);
  return when
    ? trans.__('as of %1', formatRelativeTime(when, now, trans))
    : null;
}

/**
 * The time of a backend's last good read, when it is stale.
 */
export function parseLastGoodRead(state: IBackendConfig<unknown>): Date | null {
  return state.stale ? parseTime(state.lastGoodRead) : null;
}

/**
 * Why nothing that needs a backend can be done now, or null when it can.
 *
 * @param now - the current time (epoch ms), for "as of ..."
 */
export function backendBlockedReason(
  config: IConfig | null,
  backend: Backend,
  trans: TranslationBundle,
  now: number = Date.now()
): string | null {
  const condition = backendCondition(config, backend);
  if (!config || condition === 'live' || condition === 'unknown') {
    return null;
  }
  const state = config[backend];
  const name = backendName(backend, trans);
  switch (condition) {
    case 'unconfigured':
      return trans.__(
        '%1 is not configured: see the %1 section of the Saturn Panel.',
        name
      );
    case 'stale': {
      const asOf = lastGoodReadText(state, now, trans);
      const head = backendHeadline(state, backend, trans);
      return asOf
        ? trans.__(
            '%1 What the panel shows is the last known state, %2.',
            head,
            asOf
          )
        : head;
    }
    case 'unreachable':
      return backendHeadline(state, backend, trans);
  }
}

/**
 * Why the backend's token may not take an action, or null when it may.
 */
export function abilityReason(
  config: IConfig | null,
  backend: Backend,
  action: ResourceAction,
  trans: TranslationBundle
): string | null {
  if (!config || action === 'open') {
    return null;
  }
  if (backend === 'hub') {
    const abilities = config.hub.abilities;
    const missing = config.hub.missingScopes;
    const scopeFor = (scope: string) =>
      missing.find(s => s.split('!')[0] === scope) ?? scope;
    if ((action === 'start' || action === 'run') && !abilities.start) {
      return trans.__(
        'The JupyterHub token may not start servers: it lacks the scope %1.',
        scopeFor('servers')
      );
    }
    if (action === 'stop' && !abilities.stop) {
      return trans.__(
        'The JupyterHub token may not stop servers: it lacks the scope %1.',
        scopeFor('delete:servers')
      );
    }
    if (action === 'delete' && !abilities.delete) {
      return trans.__(
        'The JupyterHub token may not delete servers: it lacks the scope %1.',
        scopeFor('delete:servers')
      );
    }
    return null;
  }
  const abilities = config.saturn.abilities;
  if ((action === 'start' || action === 'run') && !abilities.start) {
    return trans.__('The Saturn Cloud token may not start resources.');
  }
  if (action === 'stop' && !abilities.stop) {
    return trans.__('The Saturn Cloud token may not stop resources.');
  }
  return null;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * A text ending as a sentence does (the upstream's words may not).
   */
  export function sentence(text: string): string {
    const trimmed = text.trim();
    return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
  }

  /**
   * Whether a text names a URL or an IP address.
   */
  export function namesAnAddress(text: string): boolean {
    return /\b[a-z][a-z0-9+.-]*:\/\/|\b\d{1,3}(?:\.\d{1,3}){3}\b|\[[0-9a-f:]+\]/i.test(
      text
    );
  }
}
