/**
 * Shared test data: resources and configs shaped like docs/rest-api.md.
 */
import type { IConfig, IResource } from '../resource';
import { normalizeConfig, normalizeResource } from '../resource';

/**
 * A raw hub server as the server sends it.
 */
export function hubServer(
  user: string,
  name: string,
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  return {
    key: `hub/${user}/${name}`,
    backend: 'hub',
    kind: 'server',
    id: `${user}/${name}`,
    name,
    displayName: name === '' ? 'Default' : name,
    owner: user,
    status: 'stopped',
    progress: null,
    progressEstimated: false,
    message: null,
    url: null,
    started: null,
    lastActivity: '2026-11-21T22:45:50.047821Z',
    actions: name === '' ? ['start'] : ['start', 'delete'],
    details: { userOptions: {} },
    ...extra
  };
}

/**
 * A raw Saturn workspace as the server sends it.
 */
export function saturnWorkspace(
  id: string,
  name: string,
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  return {
    key: `saturn/workspace/${id}`,
    backend: 'saturn',
    kind: 'workspace',
    id,
    name,
    displayName: name,
    owner: 'alice',
    status: 'stopped',
    progress: null,
    progressEstimated: false,
    message: null,
    url: null,
    started: null,
    lastActivity: null,
    actions: ['start'],
    details: { size: 'Large - 2 cores - 16 GB RAM', ide: 'jupyter' },
    ...extra
  };
}

/**
 * Normalise a raw resource, failing the test when it is not one.
 */
export function resource(raw: { [key: string]: unknown }): IResource {
  const value = normalizeResource(raw);
  if (!value) {
    throw new Error(`not a resource: ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * A config with both backends usable.
 */
export function config(
  overrides: {
    hub?: { [key: string]: unknown };
    saturn?: { [key: string]: unknown };
  } = {}
): IConfig {
  return normalizeConfig({
    hub: {
      configured: true,
      reachable: true,
      user: 'alice',
      kind: 'user',
      publicUrl: 'http://127.0.0.1:8000',
      abilities: { listAllUsers: true, start: true, stop: true, delete: true },
      missingScopes: [],
      message: null,
      hint: null,
      ...overrides.hub
    },
    saturn: {
      configured: true,
      reachable: true,
      user: 'alice',
      abilities: { createForOthers: false, start: true, stop: true },
      message: null,
      hint: null,
      ...overrides.saturn
    }
  });
}
