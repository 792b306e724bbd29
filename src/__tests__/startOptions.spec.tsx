/**
 * Start with options: the dialog turns each form into the user_options the
 * shared table (tests/spawn_options_cases.json) gives; tests/test_spawn_options.py
 * checks that the server makes those forms of the profile lists and that
 * KubeSpawner's own `load_user_options` applies the image and limits chosen
 * for those user_options.
 */
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
  optionErrors,
  pruneOptions,
  settleOptions
} from '../dialogs/startOptions';
import { ResourceModel } from '../model';
import { CommandIDs, TRANSLATION_DOMAIN } from '../tokens';
import { typeInto, waitFor } from './dom';
import { config, hubServer, resource } from './fixtures';

// Jest's own `require` reads JSON (the tests have no Node.js types).
declare const require: (path: string) => unknown;

interface IStart {
  form: JSONObject;
  userOptions: JSONObject;
  startedWith: string;
}

interface IList {
  name: string;
  schema: JSONObject;
  defaults: JSONObject;
  starts: IStart[];
}

const CASES = require('../../tests/spawn_options_cases.json') as {
  lists: IList[];
};
const LISTS: { [name: string]: IList } = {};
for (const list of CASES.lists) {
  LISTS[list.name] = list;
}
const DEMO = LISTS.demo.schema;
const SCIPY = 'quay.io/jupyter/scipy-notebook:2024-08-05';
const trans = nullTranslator.load(TRANSLATION_DOMAIN);

describe('the form data is the user_options KubeSpawner reads', () => {
  const starts: [string, string, JSONObject, IStart][] = [];
  for (const list of CASES.lists) {
    for (const start of list.starts) {
      starts.push([list.name, start.startedWith, list.schema, start]);
    }
  }

  it.each(CASES.lists.map(list => [list.name, list] as const))(
    '%s: opens on KubeSpawner defaults',
    (_, list) => {
      expect(initialOptions(list.schema, null)).toEqual(list.defaults);
    }
  );

  it.each(starts)('%s: %s', (_, __, schema, start) => {
    expect(isCompleteOptions(schema, start.form)).toBe(true);
    expect(optionErrors(schema, start.form, trans)).toEqual([]);
    expect(pruneOptions(schema, start.form)).toEqual(start.userOptions);
    // Remembered, the user_options open the same form again.
    expect(initialOptions(schema, start.userOptions)).toEqual(start.form);
  });

  it('never sends the keys of the hub HTML form', () => {
    for (const [, , schema, start] of starts) {
      expect(
        Object.keys(pruneOptions(schema, start.form)).some(key =>
          key.startsWith('profile-option-')
        )
      ).toBe(false);
    }
  });

  it('drops what the chosen profile does not have and keeps choices offered', () => {
    expect(
      pruneOptions(DEMO, { profile: 'cpu-machine', image: 'pytorch' })
    ).toEqual({ profile: 'cpu-machine' });
    expect(
      pruneOptions(DEMO, {
        profile: 'gpu',
        image: 'tensorflow',
        'image--unlisted-choice': SCIPY
      })
    ).toEqual({ profile: 'gpu', image: 'tensorflow' });
    expect(settleOptions(DEMO, { profile: 'gpu', image: 'minimal' })).toEqual({
      profile: 'gpu',
      image: 'pytorch'
    });
    expect(
      settleOptions(DEMO, { profile: 'gpu', image: 'unlisted-choice' })
    ).toEqual({ profile: 'gpu', image: 'unlisted-choice' });
    expect(initialOptions(DEMO, { profile: 'gone' })).toEqual({
      profile: 'cpu-machine'
    });
    // The old keys are not offered: the defaults open.
    expect(
      initialOptions(DEMO, {
        profile: 'gpu',
        'profile-option-image': 'tensorflow'
      })
    ).toEqual({ profile: 'gpu', image: 'pytorch' });
  });

  it('checks a free-form value as KubeSpawner does (re.match of its regex)', () => {
    const other = { profile: 'gpu', image: 'unlisted-choice' };
    expect(isCompleteOptions(DEMO, other)).toBe(false);
    expect(
      isCompleteOptions(DEMO, { ...other, 'image--unlisted-choice': '' })
    ).toBe(false);
    const wrong = { ...other, 'image--unlisted-choice': 'docker.io/x:1' };
    expect(isCompleteOptions(DEMO, wrong)).toBe(false);
    expect(optionErrors(DEMO, wrong, trans)).toEqual([
      'An image of quay.io/jupyter, e.g. quay.io/jupyter/scipy-notebook:2024-08-05'
    ]);
    // Anchored at the start only, as Python's re.match: the regex's own $ ends it here.
    const variants = LISTS.variants;
    const start = variants.starts[2].form;
    expect(
      isCompleteOptions(variants.schema, {
        ...start,
        'image--unlisted-choice': 'xjupyter/a:b'
      })
    ).toBe(false);
    // An option with only a free-form value needs one.
    expect(
      isCompleteOptions(variants.schema, {
        ...variants.defaults
      })
    ).toBe(false);
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
    const state = new StateDB();
    addResourceCommands({ app, model, notifier, trans });
    addStartOptionsCommand({ app, model, notifier, trans, state });
    return { commands, state };
  }

  const form = () =>
    document.querySelector<HTMLElement>('.jp-SaturnPanel-startOptions');
  const accept = () =>
    document.querySelector<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-mod-accept'
    );
  const selects = () =>
    Array.from(
      document.querySelectorAll<HTMLSelectElement>(
        '.jp-SaturnPanel-startOptions select'
      )
    );

  /**
   * Choose an option of an rjsf select by its label.
   */
  function choose(select: HTMLSelectElement, label: string): void {
    const option = Array.from(select.options).find(o => o.text === label);
    expect(option).toBeDefined();
    select.value = option!.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
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
      schema: DEMO,
      problems: []
    });
    const key = 'hub/alice/dev';
    await state.save(startOptionsStateId(key), {
      profile: 'gpu',
      image: 'tensorflow'
    });
    const done = commands.execute(CommandIDs.startWithOptions, { key });
    await waitFor(() => form() && accept() && selects().length === 2);
    expect(document.body.textContent).toContain('1 T4 GPU');
    accept()!.click();
    await done;
    expect(requests[0].body).toEqual({
      userOptions: { profile: 'gpu', image: 'tensorflow' }
    });
    expect(await state.fetch(startOptionsStateId(key))).toEqual({
      profile: 'gpu',
      image: 'tensorflow'
    });
  });

  it('offers another image, checks it as the hub will and sends it as KubeSpawner reads it', async () => {
    const { commands } = setup({
      source: 'profile_list',
      schema: DEMO,
      problems: []
    });
    const done = commands.execute(CommandIDs.startWithOptions, {
      key: 'hub/alice/dev'
    });
    // CPU machine, the default, has no image.
    await waitFor(() => form() && accept() && selects().length === 1);
    choose(selects()[0], 'GPU machine');
    await waitFor(() => selects().length === 2);
    expect(Array.from(selects()[1].options).map(o => o.text)).toEqual(
      expect.arrayContaining(['PyTorch', 'TensorFlow', 'Another image…'])
    );
    choose(selects()[1], 'Another image…');
    const text = await waitFor(() =>
      document.querySelector<HTMLInputElement>(
        '.jp-SaturnPanel-startOptions input[type="text"], .jp-SaturnPanel-startOptions input:not([type])'
      )
    );
    typeInto(text, 'docker.io/someone/else:1');
    await waitFor(() =>
      document.body.textContent?.includes('An image of quay.io/jupyter')
    );
    await waitFor(() => accept()!.disabled);
    typeInto(text, SCIPY);
    await waitFor(() => !accept()!.disabled);
    accept()!.click();
    await done;
    expect(requests[0].body).toEqual({
      userOptions: { profile: 'gpu', 'image--unlisted-choice': SCIPY }
    });
  });

  it('says what is wrong with options it cannot use, and offers the hub page', async () => {
    const problem =
      'hub_spawn_options: profile_list[0].profile_options.image offers nothing to choose: give it choices or enable its unlisted_choice.';
    const { commands } = setup({
      source: 'profile_list',
      schema: null,
      problems: [problem]
    });
    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    const done = commands.execute(CommandIDs.startWithOptions, {
      key: 'hub/alice/dev'
    });
    const button = await waitFor(() => accept());
    expect(document.body.textContent).toContain(problem);
    expect(document.body.textContent).toContain('hub_spawn_options');
    expect(form()).toBeNull();
    button.click();
    await done;
    expect(open).toHaveBeenCalledWith(
      'http://127.0.0.1:8000/hub/spawn/alice/dev',
      '_blank'
    );
    expect(requests).toHaveLength(0);
    open.mockRestore();
  });
});
