/**
 * Typed endpoints of the server extension (docs/rest-api.md).
 */
import type { JSONObject } from '@lumino/coreutils';

import { quote, requestAPI } from './request';
import {
  Backend,
  IConfig,
  IResource,
  normalizeConfig,
  normalizeResource
} from './resource';
import {
  activeRun,
  ICellProgress,
  IRun,
  normalizeCellProgress,
  normalizeRun
} from './runs';
import { isStatus, Status } from './statuses';

/**
 * `GET config`.
 */
export async function fetchConfig(): Promise<IConfig> {
  return normalizeConfig(await requestAPI<unknown>('config'));
}

/**
 * `POST refresh`: read a backend (or both) again now, and answer the
 * configuration as it then stands (the notices' Retry).
 */
export async function refreshBackends(backend?: Backend): Promise<IConfig> {
  return normalizeConfig(
    await requestAPI<unknown>('refresh', {
      method: 'POST',
      body: JSON.stringify(backend ? { backend } : {})
    })
  );
}

/**
 * Start a resource (hub server, Saturn workspace).
 *
 * @returns the resource as it now stands (202), or null when the answer
 * could not be read as a resource
 */
export async function startResource(
  resource: IResource,
  userOptions?: JSONObject
): Promise<IResource | null> {
  switch (resource.kind) {
    case 'server':
      return startHubServer(
        resource.owner,
        resource.name,
        undefined,
        userOptions
      );
    case 'workspace':
      return normalizeResource(
        await requestAPI<unknown>(
          `saturn/workspaces/${quote(resource.id)}/start`,
          { method: 'POST' }
        )
      );
    case 'deployment':
      return deploymentAction(resource.id, 'start');
    case 'job':
      return startJob(resource.id);
  }
}

/**
 * Stop a resource.
 */
export async function stopResource(
  resource: IResource
): Promise<IResource | null> {
  switch (resource.kind) {
    case 'server':
      return normalizeResource(
        await requestAPI<unknown>(Private.hubPath(resource), {
          method: 'DELETE'
        })
      );
    case 'workspace':
      return normalizeResource(
        await requestAPI<unknown>(
          `saturn/workspaces/${quote(resource.id)}/stop`,
          { method: 'POST' }
        )
      );
    case 'deployment':
      return deploymentAction(resource.id, 'stop');
    case 'job': {
      // Stopping a job stops its newest run that is still going.
      const run = activeRun(resource);
      if (!run) {
        throw new Error(`No run of ${resource.key} is going.`);
      }
      return stopRun(resource.id, run.name);
    }
  }
}

/**
 * `POST saturn/deployments/{id}/start|stop|restart`: act on a Saturn
 * deployment.
 *
 * @returns the deployment as it now stands (202)
 */
export async function deploymentAction(
  id: string,
  action: 'start' | 'stop' | 'restart'
): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>(`saturn/deployments/${quote(id)}/${action}`, {
      method: 'POST'
    })
  );
}

/**
 * Stop a named hub server and delete it (`?remove=1`).
 */
export async function deleteHubServer(
  resource: IResource
): Promise<IResource | null> {
  if (resource.kind !== 'server' || resource.name === '') {
    throw new Error(`Only a named hub server can be deleted: ${resource.key}`);
  }
  return normalizeResource(
    await requestAPI<unknown>(`${Private.hubPath(resource)}?remove=1`, {
      method: 'DELETE'
    })
  );
}

/**
 * Start a hub server; a new name creates the named server first.
 *
 * @param user - the owner
 * @param name - the server name (`''` for the default server)
 * @param displayName - the free-form label of a new named server
 * @param userOptions - the spawner's `user_options` for this start
 */
export async function startHubServer(
  user: string,
  name: string,
  displayName?: string,
  userOptions?: JSONObject
): Promise<IResource | null> {
  const init: RequestInit = { method: 'POST' };
  const body: JSONObject = {};
  if (displayName) {
    body.displayName = displayName;
  }
  if (userOptions) {
    body.userOptions = userOptions;
  }
  if (Object.keys(body).length > 0) {
    init.body = JSON.stringify(body);
  }
  return normalizeResource(
    await requestAPI<unknown>(`hub/servers/${quote(user)}/${quote(name)}`, init)
  );
}

/**
 * A hub user found by `searchHubUsers`, with all their servers.
 */
export interface IHubUser {
  readonly name: string;
  readonly servers: ReadonlyArray<IResource>;
}

/**
 * One page of a hub user search.
 */
export interface IHubUserPage {
  readonly users: ReadonlyArray<IHubUser>;
  /**
   * The offset of the next page, null on the last.
   */
  readonly next: number | null;
  /**
   * How many users match in all, null when the hub does not say.
   */
  readonly total: number | null;
}

/**
 * `GET hub/users`: the users whose name contains `text` (case-insensitive,
 * the hub's own search), one page at a time. The panel polls only the hub's
 * active servers and the user's own; this finds everyone else.
 */
export async function searchHubUsers(
  text: string,
  offset = 0,
  limit = 50,
  init: RequestInit = {}
): Promise<IHubUserPage> {
  const query = new URLSearchParams({
    search: text,
    offset: String(offset),
    limit: String(limit)
  });
  const answer = await requestAPI<unknown>(`hub/users?${query}`, init);
  const page = (answer ?? {}) as { [key: string]: unknown };
  const users: IHubUser[] = [];
  for (const user of Array.isArray(page.users) ? page.users : []) {
    const name = (user as { name?: unknown } | null)?.name;
    const servers = (user as { servers?: unknown } | null)?.servers;
    if (typeof name !== 'string') {
      continue;
    }
    users.push({
      name,
      servers: (Array.isArray(servers) ? servers : [])
        .map(normalizeResource)
        .filter((r): r is IResource => r !== null)
    });
  }
  return {
    users,
    next: typeof page.next === 'number' ? page.next : null,
    total: typeof page.total === 'number' ? page.total : null
  };
}

/**
 * Create a Saturn resource from a recipe.
 *
 * @param recipe - the recipe (`{schema_version, type, spec}`)
 * @param user - create it for this user (admin token only)
 * @returns the created resource (201), or null when the answer could not be
 * read as a resource
 */
export async function createFromRecipe(
  recipe: JSONObject,
  user?: string
): Promise<IResource | null> {
  const body: JSONObject = user ? { recipe, user } : { recipe };
  return normalizeResource(
    await requestAPI<unknown>('saturn/recipes', {
      method: 'POST',
      body: JSON.stringify(body)
    })
  );
}

/**
 * One line of a run's logs.
 */
export interface ILogLine {
  /**
   * ISO time, or null.
   */
  readonly timestamp: string | null;
  readonly content: string;
}

/**
 * The answer of `GET saturn/jobs/{id}/logs?run=NAME`.
 */
export interface IRunLogs {
  readonly run: string;
  readonly status: Status;
  /**
   * The lines from line `since` on (every line when `since` is 0), oldest
   * first.
   */
  readonly lines: ReadonlyArray<ILogLine>;
  /**
   * Whether the run has ended (no more lines will come).
   */
  readonly complete: boolean;
  /**
   * The index of the first line of `lines` (absent: 0).
   */
  readonly since?: number;
  /**
   * How many lines the run has logged so far (absent: unknown).
   */
  readonly total?: number;
  /**
   * The cell papermill is on (notebook jobs), or null.
   */
  readonly progress?: ICellProgress | null;
}

/**
 * Start a run of a Saturn job.
 *
 * @param id - the job's Saturn id
 * @returns the job as it now stands; `details.runs[0]` is the new run
 */
export async function startJob(id: string): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>(`saturn/jobs/${quote(id)}/start`, {
      method: 'POST'
    })
  );
}

/**
 * Stop one run of a Saturn job.
 *
 * @returns the job as it now stands
 */
export async function stopRun(
  id: string,
  run: string
): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>(
      `saturn/jobs/${quote(id)}/runs/${quote(run)}/stop`,
      { method: 'POST' }
    )
  );
}

/**
 * `GET saturn/jobs/{id}/runs`: every run of a job, newest first.
 */
export async function fetchRuns(id: string): Promise<IRun[]> {
  const answer = await requestAPI<{ runs?: unknown } | null>(
    `saturn/jobs/${quote(id)}/runs`
  );
  const runs = answer?.runs;
  return Array.isArray(runs)
    ? runs.map(normalizeRun).filter((r): r is IRun => r !== null)
    : [];
}

/**
 * `GET saturn/jobs/{id}/logs?run=NAME&since=N`: one run's log lines from
 * line `since` on (0: every line so far).
 */
export async function fetchRunLogs(
  id: string,
  run: string,
  since = 0
): Promise<IRunLogs> {
  const from = Math.max(0, Math.floor(since));
  const answer = await requestAPI<{ [key: string]: unknown } | null>(
    `saturn/jobs/${quote(id)}/logs?run=${quote(run)}${from > 0 ? `&since=${from}` : ''}`
  );
  return normalizeRunLogs(answer, run);
}

/**
 * `GET saturn/deployments/{id}/logs?since=N`: the running deployment's log
 * lines from line `since` on, in a run log's shape (`run` is its live pod).
 * A deployment that is not running answers 409.
 */
export async function fetchDeploymentLogs(
  id: string,
  since = 0
): Promise<IRunLogs> {
  const from = Math.max(0, Math.floor(since));
  const answer = await requestAPI<{ [key: string]: unknown } | null>(
    `saturn/deployments/${quote(id)}/logs${from > 0 ? `?since=${from}` : ''}`
  );
  return normalizeRunLogs(answer, '');
}

/**
 * Turn an untrusted logs answer into `IRunLogs`.
 */
export function normalizeRunLogs(
  answer: { [key: string]: unknown } | null,
  run: string
): IRunLogs {
  const raw = answer ?? {};
  const lines = Array.isArray(raw.lines) ? raw.lines : [];
  const count = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? value
      : undefined;
  return {
    run: typeof raw.run === 'string' ? raw.run : run,
    status: isStatus(raw.status) ? raw.status : 'error',
    complete: raw.complete === true,
    since: count(raw.since) ?? 0,
    total: count(raw.total),
    progress: normalizeCellProgress(raw.progress),
    lines: lines.map(line => {
      const value: { timestamp?: unknown; content?: unknown } =
        typeof line === 'object' && line !== null
          ? (line as { timestamp?: unknown; content?: unknown })
          : { content: line };
      return {
        timestamp: typeof value.timestamp === 'string' ? value.timestamp : null,
        content:
          typeof value.content === 'string'
            ? value.content
            : String(value.content ?? '')
      };
    })
  };
}

/**
 * A papermill parameter value as sent to `POST saturn/notebook-jobs`.
 */
export type ParameterValue = string | number | boolean;

/**
 * Papermill parameters by name.
 */
export interface IParameters {
  [name: string]: ParameterValue;
}

/**
 * How a notebook job reaches the notebook (the `jobSource` setting).
 */
export type NotebookJobSource = 'recipe' | 'git';

/**
 * The body of `POST saturn/notebook-jobs`.
 */
export interface INotebookJobRequest {
  /**
   * The notebook's path, relative to the Jupyter root.
   */
  path: string;
  parameters: IParameters;
  source: NotebookJobSource;
  /**
   * The repository to clone, for the `git` source.
   */
  git?: { url: string; reference: string; directory: string };
  /**
   * `owner/name:version`; the server's default when absent.
   */
  image?: string;
  /**
   * A Saturn Cloud size name; the server's default when absent.
   */
  instanceType?: string;
  /**
   * A cron expression (UTC): create the job on this schedule instead of
   * running it now.
   */
  schedule?: string;
}

/**
 * Run a notebook as a Saturn job with papermill.
 *
 * @returns the job as it now stands; `details.runs[0]` is the new run
 */
export async function runNotebookJob(
  request: INotebookJobRequest
): Promise<IResource | null> {
  return normalizeResource(
    await requestAPI<unknown>('saturn/notebook-jobs', {
      method: 'POST',
      body: JSON.stringify(request)
    })
  );
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * The API path of a hub server (`hub/servers/{user}/{name}`).
   */
  export function hubPath(resource: IResource): string {
    return `hub/servers/${quote(resource.owner)}/${quote(resource.name)}`;
  }
}
