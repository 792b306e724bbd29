import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';

import {
  createFromRecipe,
  deleteHubServer,
  fetchConfig,
  startHubServer,
  startResource,
  stopResource
} from '../api/endpoints';
import { errorMessage, errorStatus, requestAPI } from '../api/request';
import { hubServer, resource, saturnWorkspace } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

/**
 * The path below saturn-panel/ of a request, without the cache buster that
 * `ServerConnection` appends (`?1795303314512`).
 */
function apiPath(request: Request): string {
  return request.url
    .replace(/^.*\/saturn-panel\//, '')
    .replace(/[?&][0-9]+$/, '');
}
const WS = '0123456789abcdef0123456789abcdef';

/**
 * Replace the global fetch with a fake answering `status` and `body`, and
 * record the requests.
 */
function fakeFetch(status: number, body: unknown) {
  const requests: Request[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    requests.push(input as Request);
    return new Response(
      body === undefined
        ? ''
        : typeof body === 'string'
          ? body
          : JSON.stringify(body),
      { status }
    );
  }) as typeof fetch;
  return {
    requests,
    restore: () => {
      globalThis.fetch = original;
    }
  };
}

describe('requestAPI', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('returns the JSON answer', async () => {
    const fake = fakeFetch(200, { hello: 'world' });
    restore = fake.restore;
    await expect(requestAPI('config')).resolves.toEqual({ hello: 'world' });
    expect(apiPath(fake.requests[0])).toBe('config');
  });

  it('throws a ResponseError carrying the server message', async () => {
    const fake = fakeFetch(409, { message: 'Server alice/dev is stopping' });
    restore = fake.restore;
    let caught: unknown;
    try {
      await requestAPI('hub/servers/alice/dev', { method: 'POST' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerConnection.ResponseError);
    expect(errorStatus(caught)).toBe(409);
    expect(errorMessage(caught, trans)).toBe('Server alice/dev is stopping');
  });

  it('keeps the status of a non-JSON error page', async () => {
    const fake = fakeFetch(404, '<html>Not Found</html>');
    restore = fake.restore;
    const error = await requestAPI('config').catch(e => e);
    expect(errorStatus(error)).toBe(404);
  });

  it('words a network failure for users', () => {
    expect(
      errorMessage(new ServerConnection.NetworkError(new TypeError('x')), trans)
    ).toBe(
      'The Jupyter server could not be reached. Check that it is running.'
    );
  });
});

describe('api', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('normalises the config', async () => {
    const fake = fakeFetch(200, { hub: { configured: true, reachable: true } });
    restore = fake.restore;
    const config = await fetchConfig();
    expect(config.hub.abilities.start).toBe(true);
    expect(config.hub.abilities.listAllUsers).toBe(false);
    expect(config.saturn.configured).toBe(false);
  });

  it('creates a named server with its display name, URL-quoting the path', async () => {
    const fake = fakeFetch(202, hubServer('a b', 'dev', { status: 'pending' }));
    restore = fake.restore;
    const answer = await startHubServer('a b', 'dev', 'Dev box');
    expect(answer?.status).toBe('pending');
    const request = fake.requests[0];
    expect(request.method).toBe('POST');
    expect(apiPath(request)).toBe('hub/servers/a%20b/dev');
    expect(await request.json()).toEqual({ displayName: 'Dev box' });
  });

  it('starts the default server at hub/servers/{user}/', async () => {
    const fake = fakeFetch(202, hubServer('alice', '', { status: 'pending' }));
    restore = fake.restore;
    await startResource(resource(hubServer('alice', '')));
    expect(apiPath(fake.requests[0])).toBe('hub/servers/alice/');
  });

  it('stops and deletes hub servers with DELETE', async () => {
    const fake = fakeFetch(
      202,
      hubServer('alice', 'dev', { status: 'stopping' })
    );
    restore = fake.restore;
    await stopResource(resource(hubServer('alice', 'dev')));
    await deleteHubServer(resource(hubServer('alice', 'dev')));
    expect(fake.requests.map(r => [r.method, apiPath(r)])).toEqual([
      ['DELETE', 'hub/servers/alice/dev'],
      ['DELETE', 'hub/servers/alice/dev?remove=1']
    ]);
    await expect(
      deleteHubServer(resource(hubServer('alice', '')))
    ).rejects.toThrow();
  });

  it('starts and stops Saturn workspaces by id', async () => {
    const fake = fakeFetch(
      202,
      saturnWorkspace(WS, 'ws', { status: 'pending' })
    );
    restore = fake.restore;
    const ws = resource(saturnWorkspace(WS, 'ws'));
    await startResource(ws);
    await stopResource(ws);
    expect(fake.requests.map(r => [r.method, apiPath(r)])).toEqual([
      ['POST', `saturn/workspaces/${WS}/start`],
      ['POST', `saturn/workspaces/${WS}/stop`]
    ]);
  });

  it('posts a recipe, with the user only when given', async () => {
    // The server answers 201 with the created resource itself.
    const fake = fakeFetch(201, saturnWorkspace(WS, 'ws', { owner: 'bob' }));
    restore = fake.restore;
    const recipe = { type: 'workspace', spec: { name: 'ws' } };
    const created = await createFromRecipe(recipe);
    await createFromRecipe(recipe, 'bob');
    expect(await fake.requests[0].json()).toEqual({ recipe });
    expect(await fake.requests[1].json()).toEqual({ recipe, user: 'bob' });
    expect(fake.requests.map(r => [r.method, apiPath(r)])).toEqual([
      ['POST', 'saturn/recipes'],
      ['POST', 'saturn/recipes']
    ]);
    expect(created).toEqual(
      resource(saturnWorkspace(WS, 'ws', { owner: 'bob' }))
    );
    expect(created?.key).toBe(`saturn/workspace/${WS}`);
    expect(created?.owner).toBe('bob');
  });

  it('answers null for a recipe answer that is not a resource', async () => {
    const fake = fakeFetch(201, { id: WS, type: 'deployment', name: 'x' });
    restore = fake.restore;
    expect(await createFromRecipe({ type: 'deployment' })).toBeNull();
  });
});
