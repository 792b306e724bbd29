/**
 * Typed endpoints of the server extension (docs/rest-api.md).
 */
import type { JSONObject } from '@lumino/coreutils';

import { quote, requestAPI } from './request';
import {
  IConfig,
  IResource,
  normalizeConfig,
  normalizeResource
} from './resource';

/**
 * The answer of `POST saturn/recipes`.
 */
export interface IRecipeCreated {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly owner: string;
  readonly resource: IResource | null;
}

/**
 * `GET config`.
 */
export async function fetchConfig(): Promise<IConfig> {
  return normalizeConfig(await requestAPI<unknown>('config'));
}

/**
 * Start a resource (hub server, Saturn workspace).
 *
 * @returns the resource as it now stands (202), or null when the answer
 * could not be read as a resource
 */
export async function startResource(
  resource: IResource
): Promise<IResource | null> {
  switch (resource.kind) {
    case 'server':
      return startHubServer(resource.owner, resource.name);
    case 'workspace':
      return normalizeResource(
        await requestAPI<unknown>(
          `saturn/workspaces/${quote(resource.id)}/start`,
          { method: 'POST' }
        )
      );
    case 'job':
      return normalizeResource(
        await requestAPI<unknown>(`saturn/jobs/${quote(resource.id)}/start`, {
          method: 'POST'
        })
      );
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
    case 'job':
      throw new Error(`A job cannot be stopped: ${resource.key}`);
  }
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
 */
export async function startHubServer(
  user: string,
  name: string,
  displayName?: string
): Promise<IResource | null> {
  const init: RequestInit = { method: 'POST' };
  if (displayName) {
    init.body = JSON.stringify({ displayName });
  }
  return normalizeResource(
    await requestAPI<unknown>(`hub/servers/${quote(user)}/${quote(name)}`, init)
  );
}

/**
 * Create a Saturn resource from a recipe.
 *
 * @param recipe - the recipe (`{schema_version, type, spec}`)
 * @param user - create it for this user (admin token only)
 */
export async function createFromRecipe(
  recipe: JSONObject,
  user?: string
): Promise<IRecipeCreated> {
  const body: JSONObject = user ? { recipe, user } : { recipe };
  const answer = await requestAPI<{ [key: string]: unknown } | null>(
    'saturn/recipes',
    { method: 'POST', body: JSON.stringify(body) }
  );
  const raw = answer ?? {};
  return {
    id: typeof raw.id === 'string' ? raw.id : '',
    type: typeof raw.type === 'string' ? raw.type : '',
    name: typeof raw.name === 'string' ? raw.name : '',
    owner: typeof raw.owner === 'string' ? raw.owner : '',
    resource: normalizeResource(raw.resource)
  };
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
