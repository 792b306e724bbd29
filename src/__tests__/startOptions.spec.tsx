import type { JupyterFrontEnd } from '@jupyterlab/application';
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { JSONObject } from '@lumino/coreutils';

import { ActionNotifier } from '../commands';
import { addResourceCommands } from '../commands/resources';
import {
  addStartOptionsCommand,
  startOptionsStateId
} from '../commands/startOptions';
import {
  initialOptions,
  isCompleteOptions,
  pruneOptions
} from '../dialogs/startOptions';
import { ResourceModel } from '../model';
import { CommandIDs, TRANSLATION_DOMAIN } from '../tokens';
import { config, hubServer, resource } from './fixtures';

/**
 * The schema the server makes of the README's profile list.
 */
const SCHEMA: JSONObject = {
  type: 'object',
  properties: {
    profile: {
      type: 'string',
      title: 'Profile',
      oneOf: [
        { const: 'cpu-machine', title: 'CPU machine', description: '2 cores' },
        { const: 'gpu', title: 'GPU machine', description: '1 T4 GPU' }
      ],
      default: 'cpu-machine'
    }
  },
  required: ['profile'],
  dependencies: {
    profile: {
      oneOf: [
        { properties: { profile: { const: 'cpu-machine' } }, required: [] },
        {
          properties: {
            profile: { const: 'gpu' },
            'profile-option-image': {
              type: 'string',
              title: 'Image',
              oneOf: [
                { const: 'pytorch', title: 'PyTorch' },
                { const: 'tensorflow', title: 'TensorFlow' }
              ],
              default: 'pytorch'
            }
          },
          required: ['profile-option-image']
        }
      ]
    }
  }
};

describe('start options form data', () => {
  it('preselects the defaults, then the remembered choice it still offers', () => {
    expect(initialOptions(SCHEMA, null)).toEqual({ profile: 'cpu-machine' });
    expect(
      initialOptions(SCHEMA, {
        profile: 'gpu',
        'profile-option-image': 'tensorflow'
      })
    ).toEqual({ profile: 'gpu', 'profile-option-image': 'tensorflow' });
    expect(
      initialOptions(SCHEMA, { profile: 'gpu', 'profile-option-image': 'x' })
    ).toEqual({ profile: 'gpu', 'profile-option-image': 'pytorch' });
    expect(initialOptions(SCHEMA, { profile: 'gone' })).toEqual({
      profile: 'cpu-machine'
    });
  });

  it("keeps only the chosen branch's fields and checks completeness", () => {
    expect(
      pruneOptions(SCHEMA, {
        profile: 'cpu-machine',
        'profile-option-image': 'pytorch'
      })
    ).toEqual({ profile: 'cpu-machine' });
    expect(isCompleteOptions(SCHEMA, { profile: 'gpu' })).toBe(false);
    expect(
      isCompleteOptions(SCHEMA, {
        profile: 'gpu',
        'profile-option-image': 'tensorflow'
      })
    ).toBe(true);
    expect(isCompleteOptions(SCHEMA, { profile: 'nope' })).toBe(false);
  });
});

describe('starting with options', () => {
  let requests: { url: string; body: unknown }[];
  const original = globalThis.fetch;

  beforeEach(() => {
    requests = [];
    globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      const text = await request.text();
      requests.push({ url: request.url, body: text ? JSON.parse(text) : null });
      return new Response(
        JSON.stringify(hubServer('alice', 'dev', { status: 'pending' })),
        { status: 202 }
      );
    }) as typeof fetch;
  });

  afterEach(() => {
    globalThis.fetch = original;
    document.body.innerHTML = '';
  });

  function setup(spawnOptions: unknown) {
    const model = new ResourceModel();
    model.applyBackends(config({ hub: { spawnOptions } }));
    model.applySnapshot([
      resource(
        hubServer('alice', 'dev', {
          details: {
            userOptions: {},
            startedWith: null,
            spawnPage: 'http://127.0.0.1:8000/hub/spawn/alice/dev'
          }
        })
      )
    ]);
    const commands = new CommandRegistry();
    const app = {
      commands,
      contextMenuHitTest: () => undefined
    } as unknown as JupyterFrontEnd;
    const notifier = new ActionNotifier({
      model,
      translator: nullTranslator,
      onOpen: () => undefined,
      openInNewTab: () => true
    });
    const trans = nullTranslator.load(TRANSLATION_DOMAIN);
    const state = new StateDB();
    addResourceCommands({ app, model, notifier, trans });
    addStartOptionsCommand({ app, model, notifier, trans, state });
    return { commands, state };
  }

  it('passes the userOptions of saturn-panel:start on', async () => {
    const { commands } = setup(null);
    await commands.execute(CommandIDs.start, {
      key: 'hub/alice/dev',
      userOptions: { profile: 'gpu' }
    });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toMatch(/hub\/servers\/alice\/dev/);
    expect(requests[0].body).toEqual({ userOptions: { profile: 'gpu' } });
  });

  it('starts without a body when no userOptions are given', async () => {
    const { commands } = setup(null);
    await commands.execute(CommandIDs.start, { key: 'hub/alice/dev' });
    expect(requests[0].body).toBeNull();
  });

  it("opens the hub's start page without configured options", async () => {
    const { commands } = setup(null);
    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    await commands.execute(CommandIDs.startWithOptions, {
      key: 'hub/alice/dev'
    });
    expect(open).toHaveBeenCalledWith(
      'http://127.0.0.1:8000/hub/spawn/alice/dev',
      '_blank'
    );
    expect(requests).toHaveLength(0);
    open.mockRestore();
  });

  it('opens the form on the remembered choice and remembers what started', async () => {
    const { commands, state } = setup({
      source: 'profile_list',
      schema: SCHEMA
    });
    const key = 'hub/alice/dev';
    await state.save(startOptionsStateId(key), {
      profile: 'gpu',
      'profile-option-image': 'tensorflow'
    });
    const done = commands.execute(CommandIDs.startWithOptions, { key });
    let accept: HTMLButtonElement | null = null;
    for (let i = 0; i < 50 && !accept; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
      accept = document.querySelector<HTMLButtonElement>(
        '.jp-SaturnPanel-startOptions'
      )
        ? document.querySelector<HTMLButtonElement>(
            '.jp-Dialog-footer .jp-mod-accept'
          )
        : null;
    }
    expect(accept).not.toBeNull();
    const selects = Array.from(
      document.querySelectorAll<HTMLSelectElement>(
        '.jp-SaturnPanel-startOptions select'
      )
    );
    expect(selects.length).toBe(2);
    expect(document.body.textContent).toContain('1 T4 GPU');
    accept!.click();
    await done;
    expect(requests[0].body).toEqual({
      userOptions: { profile: 'gpu', 'profile-option-image': 'tensorflow' }
    });
    expect(await state.fetch(startOptionsStateId(key))).toEqual({
      profile: 'gpu',
      'profile-option-image': 'tensorflow'
    });
  });
});
