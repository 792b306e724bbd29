/**
 * Shared test data: resources and configs shaped like docs/rest-api.md.
 */
import type { IConfig, IResource, PanelEvent } from '../api';
import { normalizeConfig, normalizeResource } from '../api';
import type { ResourceModel } from '../model';

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
 * A raw Saturn deployment as the server sends it (stopped unless `extra`
 * says otherwise).
 */
export function saturnDeployment(
  id: string,
  name: string,
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  return {
    ...saturnWorkspace(id, name),
    key: `saturn/deployment/${id}`,
    kind: 'deployment',
    details: {
      command: 'uvicorn app:api',
      scale: 1,
      runningCount: 0,
      lastDeploy: null,
      size: 'Medium - 2 cores - 4 GB RAM'
    },
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

/**
 * A raw job run as the server sends it.
 */
export function jobRun(
  name: string,
  status: string,
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  const finished = ['completed', 'error', 'stopped'].includes(status);
  return {
    name,
    status,
    started: '2026-11-21T22:00:00+00:00',
    finished: finished ? '2026-11-21T22:00:28+00:00' : null,
    duration: finished ? 28.0 : 3.0,
    ...extra
  };
}

/**
 * A raw Saturn job as the server sends it; `status` is its newest run's.
 */
export function saturnJob(
  id: string,
  name: string,
  runs: { [key: string]: unknown }[] = [],
  extra: { [key: string]: unknown } = {}
): { [key: string]: unknown } {
  const active = runs.some(r =>
    ['pending', 'running'].includes(r.status as string)
  );
  return {
    key: `saturn/job/${id}`,
    backend: 'saturn',
    kind: 'job',
    id,
    name,
    displayName: name,
    owner: 'alice',
    status: runs.length > 0 ? runs[0].status : 'stopped',
    progress: null,
    progressEstimated: false,
    message: null,
    url: null,
    started: runs.length > 0 ? runs[0].started : null,
    lastActivity: '2026-11-21T23:27:09+00:00',
    actions: active ? ['run', 'stop'] : ['run'],
    details: {
      command: 'papermill report.ipynb out.ipynb --kernel python3',
      size: 'Large - 2 cores - 16 GB RAM',
      runs
    },
    ...extra
  };
}

/**
 * One event of `GET events` (the stream scripts read): its name and JSON data.
 */
export interface IStreamEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * The events of a captured `GET events` stream (blocks of `event:` and
 * `data:` lines; comments skipped).
 */
export function parseStream(text: string): IStreamEvent[] {
  const events: IStreamEvent[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n');
    const name = lines.find(l => l.startsWith('event: '));
    const data = lines.filter(l => l.startsWith('data: '));
    if (name && data.length > 0) {
      events.push({
        event: name.slice(7),
        data: data.map(l => l.slice(6)).join('\n')
      });
    }
  }
  return events;
}

/**
 * The model change one stream event stands for, null when it is none.
 */
export function decodeStreamEvent(event: IStreamEvent): PanelEvent | null {
  const payload = JSON.parse(event.data) as { [key: string]: unknown };
  switch (event.event) {
    case 'snapshot':
      return Array.isArray(payload.resources)
        ? {
            type: 'snapshot',
            resources: payload.resources
              .map(normalizeResource)
              .filter((r): r is IResource => r !== null)
          }
        : null;
    case 'resource': {
      const resource = normalizeResource(payload);
      return resource ? { type: 'resource', resource } : null;
    }
    case 'removed':
      return typeof payload.key === 'string'
        ? { type: 'removed', key: payload.key }
        : null;
    case 'backends':
      return { type: 'backends', config: normalizeConfig(payload) };
    default:
      return null;
  }
}

/**
 * Apply one stream event to a model, as the plugin applies a change.
 *
 * @returns whether the event was understood
 */
export function feed(model: ResourceModel, event: IStreamEvent): boolean {
  const decoded = decodeStreamEvent(event);
  if (decoded) {
    model.apply(decoded);
  }
  return decoded !== null;
}
