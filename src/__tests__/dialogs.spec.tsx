import type { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IResource } from '../api';
import {
  confirmDelete,
  INewServer,
  IRecipeResult,
  IUserSearch,
  NewServerBody,
  RecipeBody,
  recipeFileText,
  showFormDialog,
  USER_SEARCH_DELAY
} from '../dialogs';
import { typeInto, waitFor } from './dom';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

function field(node: HTMLElement, name: string): HTMLInputElement {
  return node.querySelector(`[name="${name}"]`) as HTMLInputElement;
}

describe('NewServerBody', () => {
  let body: NewServerBody;
  const submitted: INewServer[] = [];
  afterEach(() => body.dispose());

  function create(options: Partial<NewServerBody.IOptions> = {}) {
    body = new NewServerBody({
      trans,
      user: 'alice',
      askUser: false,
      exists: (user, name) => user === 'alice' && name === 'taken',
      submit: async value => {
        submitted.push(value);
        return null;
      },
      ...options
    });
    Widget.attach(body, document.body);
    return body;
  }

  it('suggests the server name from the display name until the name is edited', async () => {
    create();
    const displayName = await waitFor(() => field(body.node, 'displayName'));
    typeInto(displayName, 'GPU Experiments');
    await waitFor(
      () => field(body.node, 'serverName').value === 'gpu-experiments'
    );
    expect(body.isValid()).toBe(true);
    expect(body.getValue()).toEqual({
      user: 'alice',
      name: 'gpu-experiments',
      displayName: 'GPU Experiments'
    });

    typeInto(field(body.node, 'serverName'), 'mine');
    typeInto(field(body.node, 'displayName'), 'Something else');
    await waitFor(() =>
      body.node.textContent?.includes('Use "something-else"')
    );
    expect(field(body.node, 'serverName').value).toBe('mine');
  });

  it('shows the reason a name is refused as the user types', async () => {
    create();
    const name = await waitFor(() => field(body.node, 'serverName'));
    typeInto(name, 'Bad_Name');
    await waitFor(() =>
      body.node.textContent?.includes(
        'Use lowercase letters only: "B" is uppercase.'
      )
    );
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(body.isValid()).toBe(false);

    typeInto(name, 'a--b');
    await waitFor(() => body.node.textContent?.includes('cannot contain "--"'));

    typeInto(name, 'taken');
    await waitFor(() =>
      body.node.textContent?.includes(
        'alice already has a server named "taken".'
      )
    );
    expect(body.isValid()).toBe(false);

    typeInto(name, 'fine-1');
    await waitFor(() => !name.hasAttribute('aria-invalid'));
    expect(body.isValid()).toBe(true);
  });

  it('asks for the owner only when allowed to act for others', async () => {
    create();
    await waitFor(() => field(body.node, 'serverName'));
    expect(field(body.node, 'user')).toBeNull();
    body.dispose();
    create({ askUser: true, user: '' });
    const user = await waitFor(() => field(body.node, 'user'));
    typeInto(field(body.node, 'serverName'), 'dev');
    expect(body.isValid()).toBe(false);
    typeInto(user, 'bob');
    expect(body.isValid()).toBe(true);
    expect(body.getValue().user).toBe('bob');
  });
});

describe('NewServerBody name suggestion', () => {
  let body: NewServerBody;
  afterEach(() => body.dispose());

  it('offers a valid name for what was typed in the name field', async () => {
    body = new NewServerBody({
      trans,
      user: 'alice',
      askUser: false,
      exists: () => false,
      submit: async () => null
    });
    Widget.attach(body, document.body);
    const name = await waitFor(() => field(body.node, 'serverName'));
    typeInto(name, 'My Server');
    const use = await waitFor(() =>
      body.node.querySelector<HTMLButtonElement>('[name="useSuggestion"]')
    );
    expect(use.textContent).toBe('Use "my-server"');
    expect(use.getAttribute('aria-label')).toBe(
      'Use "my-server", the suggested server name'
    );
    expect(body.isValid()).toBe(false);
    use.click();
    await waitFor(() => field(body.node, 'serverName').value === 'my-server');
    expect(body.isValid()).toBe(true);
    expect(body.node.querySelector('[name="useSuggestion"]')).toBeNull();
    // The accepted name is kept when a display name is typed afterwards.
    typeInto(field(body.node, 'displayName'), 'Other');
    await waitFor(() => body.node.textContent?.includes('Use "other"'));
    expect(field(body.node, 'serverName').value).toBe('my-server');
  });
});

describe('NewServerBody "for user"', () => {
  let body: NewServerBody;
  afterEach(() => body.dispose());

  const HUB_USERS = ['alice', 'bob', 'bobby', 'carol'];

  function create(searches: string[], created: INewServer[], attach = true) {
    body = new NewServerBody({
      trans,
      user: '',
      askUser: true,
      exists: () => false,
      knownUsers: ['alice', 'carol'],
      searchUsers: async (text: string): Promise<IUserSearch> => {
        searches.push(text);
        return {
          users: HUB_USERS.filter(user => user.includes(text)),
          more: false
        };
      },
      findUser: async (user: string) => ({
        exists: HUB_USERS.includes(user),
        servers: user === 'bobby' ? ['dev'] : []
      }),
      submit: async value => {
        created.push(value);
        return null;
      }
    });
    if (attach) {
      Widget.attach(body, document.body);
    }
    return body;
  }

  function options(): string[] {
    return Array.from(body.node.querySelectorAll('datalist option')).map(
      option => (option as HTMLOptionElement).value
    );
  }

  it('suggests known owners at once, then the users the server finds, debounced', async () => {
    const searches: string[] = [];
    create(searches, []);
    const user = await waitFor(() => field(body.node, 'user'));
    const list = body.node.querySelector('datalist')!;
    expect(user.getAttribute('list')).toBe(list.id);
    expect(user.getAttribute('aria-label')).toBe('For user');
    expect(options()).toEqual(['alice', 'carol']);

    typeInto(user, 'b');
    typeInto(user, 'bo');
    typeInto(user, 'bob');
    // Known owners filter at once; no request per keystroke.
    await waitFor(() => options().length === 0);
    expect(searches).toEqual([]);
    await waitFor(
      () => options().join() === 'bob,bobby',
      USER_SEARCH_DELAY * 8
    );
    expect(searches).toEqual(['bob']);
  });

  it('refuses on submit a user the token may not act for, with a clear message', async () => {
    const created: INewServer[] = [];
    create([], created);
    const user = await waitFor(() => field(body.node, 'user'));
    typeInto(field(body.node, 'serverName'), 'dev');
    typeInto(user, 'mallory');
    expect(await body.trySubmit()).toBe(false);
    await waitFor(() =>
      body.node.textContent?.includes(
        'JupyterHub has no user "mallory" that this panel may create servers for: choose one of the suggested users.'
      )
    );
    expect(user.getAttribute('aria-invalid')).toBe('true');
    expect(created).toEqual([]);

    // A stopped server the panel does not poll is found by the lookup.
    typeInto(user, 'bobby');
    await waitFor(() => !body.node.textContent?.includes('"mallory"'));
    expect(await body.trySubmit()).toBe(false);
    await waitFor(() =>
      body.node.textContent?.includes('bobby already has a server named "dev".')
    );

    typeInto(user, 'bob');
    await waitFor(() => !body.node.textContent?.includes('bobby already'));
    expect(await body.trySubmit()).toBe(true);
    expect(created).toEqual([{ user: 'bob', name: 'dev', displayName: '' }]);
  });

  it('takes Enter in "For user" as a pick until the text is a suggested user', async () => {
    const created: INewServer[] = [];
    create([], created, false);
    const result = showFormDialog({
      title: 'New Named Server',
      body,
      acceptLabel: 'Create and Start',
      trans
    });
    const user = await waitFor(() => field(body.node, 'user'));
    typeInto(field(body.node, 'serverName'), 'dev');
    typeInto(user, 'ali');
    await waitFor(() => user.value === 'ali');
    user.focus();
    const enter = () =>
      user.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
      );
    enter();
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(created).toEqual([]);
    expect(document.querySelector('.jp-SaturnPanel-dialog')).not.toBeNull();
    // Not even tried: no "no such user" for a text still being completed.
    expect(body.node.textContent).not.toContain('JupyterHub has no user');

    typeInto(user, 'alice');
    await waitFor(() => user.value === 'alice');
    enter();
    await expect(result).resolves.toEqual({
      user: 'alice',
      name: 'dev',
      displayName: ''
    });
    expect(created).toHaveLength(1);
  });

  it('leaves the last word to the hub when the server cannot search', async () => {
    const created: INewServer[] = [];
    body = new NewServerBody({
      trans,
      user: '',
      askUser: true,
      exists: () => false,
      knownUsers: ['alice'],
      searchUsers: async () => null,
      findUser: async () => null,
      submit: async value => {
        created.push(value);
        return null;
      }
    });
    Widget.attach(body, document.body);
    typeInto(await waitFor(() => field(body.node, 'serverName')), 'dev');
    typeInto(field(body.node, 'user'), 'zed');
    expect(await body.trySubmit()).toBe(true);
    expect(created).toHaveLength(1);
  });
});

describe('confirmDelete', () => {
  it('focuses Cancel, so Enter does not delete', async () => {
    const resource = {
      key: 'hub/alice/dev',
      backend: 'hub',
      kind: 'server',
      id: 'alice/dev',
      name: 'dev',
      displayName: 'Dev box',
      owner: 'alice',
      status: 'stopped',
      progress: null,
      progressEstimated: false,
      message: null,
      url: null,
      started: null,
      lastActivity: null,
      actions: ['start', 'delete'],
      details: {}
    } as unknown as IResource;
    const answer = confirmDelete(resource, trans);
    const cancel = await waitFor(() =>
      document.activeElement?.classList.contains('jp-mod-reject')
        ? (document.activeElement as HTMLButtonElement)
        : null
    );
    expect(cancel.textContent).toBe('Cancel');
    const dialog = document.querySelector('.jp-Dialog')!;
    // The dialog sets `ariaLabel` (reflected to the attribute in browsers).
    const warn = dialog.querySelector(
      '.jp-mod-warn .jp-Dialog-buttonLabel'
    ) as HTMLElement & {
      ariaLabel?: string | null;
    };
    expect(warn.ariaLabel).toMatch(/^Delete /);
    cancel.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    await expect(answer).resolves.toBe(false);
  });
});

describe('showFormDialog', () => {
  it('keeps the dialog open with the server message, then closes on success', async () => {
    const answers: (string | null)[] = ['Named server limit (3) reached', null];
    const calls: INewServer[] = [];
    const body = new NewServerBody({
      trans,
      user: 'alice',
      askUser: false,
      exists: () => false,
      submit: async value => {
        calls.push(value);
        return answers.shift() ?? null;
      }
    });
    const result = showFormDialog({
      title: 'New Named Server',
      body,
      acceptLabel: 'Create and Start',
      trans
    });
    const dialog = await waitFor(() =>
      document.querySelector('.jp-SaturnPanel-dialog')
    );
    const accept = dialog.querySelector(
      '.jp-Dialog-footer .jp-mod-accept'
    ) as HTMLButtonElement;
    // Nothing typed: the accept button is disabled.
    await waitFor(() => accept.disabled);

    typeInto(field(body.node, 'serverName'), 'dev');
    await waitFor(() => !accept.disabled);
    accept.click();
    await waitFor(() =>
      body.node.textContent?.includes('Named server limit (3) reached')
    );
    expect(document.querySelector('.jp-SaturnPanel-dialog')).not.toBeNull();

    accept.click();
    await expect(result).resolves.toEqual({
      user: 'alice',
      name: 'dev',
      displayName: ''
    });
    expect(calls).toHaveLength(2);
    expect(document.querySelector('.jp-SaturnPanel-dialog')).toBeNull();
  });
});

describe('recipe dialog keyboard', () => {
  it('loads the file on Enter in the path field instead of accepting', async () => {
    const submitted: IRecipeResult[] = [];
    const contents = {
      get: async () => ({
        content: JSON.stringify({
          type: 'workspace',
          spec: { name: 'k', image: 'i', instance_type: 'large' }
        })
      })
    } as unknown as Contents.IManager;
    const body = new RecipeBody({
      trans,
      contents,
      askUser: false,
      submit: async value => {
        submitted.push(value);
        return null;
      }
    });
    const result = showFormDialog({
      title: 'Recipe',
      body,
      acceptLabel: 'Create',
      trans
    });
    const path = await waitFor(() => field(body.node, 'path'));
    typeInto(path, 'k.json');
    path.focus();
    expect(document.activeElement).toBe(path);
    path.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    await waitFor(() => field(body.node, 'recipe').value.includes('"k"'));
    expect(submitted).toEqual([]);
    expect(document.querySelector('.jp-SaturnPanel-dialog')).not.toBeNull();

    // Enter elsewhere (the dialog itself) accepts.
    const dialog = document.querySelector('.jp-SaturnPanel-dialog')!;
    dialog.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    await expect(result).resolves.toEqual(
      expect.objectContaining({ user: null })
    );
    expect(submitted).toHaveLength(1);
  });
});

describe('RecipeBody', () => {
  let body: RecipeBody;
  afterEach(() => body.dispose());

  const RECIPE = {
    type: 'workspace',
    spec: {
      name: 'my-ws',
      image: 'saturncloud/saturn-python:2023.09.01',
      instance_type: 'large'
    }
  };

  function create(
    files: { [path: string]: string },
    options: Partial<RecipeBody.IOptions> = {}
  ) {
    const contents = {
      get: async (path: string) => {
        if (!(path in files)) {
          throw new Error(`No such file: ${path}`);
        }
        return { content: files[path] };
      }
    } as unknown as Contents.IManager;
    body = new RecipeBody({
      trans,
      contents,
      askUser: false,
      submit: async () => null,
      ...options
    });
    Widget.attach(body, document.body);
    return body;
  }

  it('checks pasted JSON and lists what is wrong', async () => {
    create({});
    const text = await waitFor(() => field(body.node, 'recipe'));
    typeInto(text, '{"type": "job", "spec": {"name": "j"}}');
    await waitFor(() => body.node.querySelector('.jp-SaturnPanel-formErrors'));
    const errors = Array.from(
      body.node.querySelectorAll('.jp-SaturnPanel-formErrors li')
    ).map(li => li.textContent);
    expect(errors).toEqual([
      '"spec.image" is missing.',
      '"spec.instance_type" is missing.',
      '"spec.command" is missing: a job needs a command to run.'
    ]);
    expect(body.isValid()).toBe(false);

    typeInto(text, JSON.stringify(RECIPE));
    await waitFor(() =>
      body.node.textContent?.includes('Creates the workspace "my-ws".')
    );
    expect(body.isValid()).toBe(true);
    const value: IRecipeResult = body.getValue();
    expect(value).toEqual({ recipe: RECIPE, user: null });
  });

  it('loads a recipe file given at creation, and reports an unreadable one', async () => {
    create(
      { 'recipes/ws.json': JSON.stringify(RECIPE) },
      { path: 'recipes/ws.json' }
    );
    await waitFor(() => field(body.node, 'recipe')?.value.includes('my-ws'));
    expect(body.isValid()).toBe(true);

    typeInto(field(body.node, 'path'), 'missing.json');
    (
      body.node.querySelector(
        '[aria-label="Load recipe file"]'
      ) as HTMLButtonElement
    ).click();
    await waitFor(() =>
      body.node.textContent?.includes(
        'Could not read missing.json: No such file: missing.json'
      )
    );
  });

  it('offers "for user" only with the admin ability', async () => {
    create({});
    await waitFor(() => field(body.node, 'recipe'));
    expect(field(body.node, 'user')).toBeNull();
    body.dispose();
    create({}, { askUser: true });
    const user = await waitFor(() => field(body.node, 'user'));
    typeInto(field(body.node, 'recipe'), JSON.stringify(RECIPE));
    typeInto(user, 'bob');
    expect(body.getValue().user).toBe('bob');
    expect(body.isValid()).toBe(true);

    // A name Saturn Cloud refuses is refused here, as the server does.
    typeInto(user, 'Bob Smith');
    await waitFor(() =>
      body.node.textContent?.includes(
        'A Saturn Cloud user name has 1-39 lowercase letters'
      )
    );
    expect(user.getAttribute('aria-invalid')).toBe('true');
    expect(body.isValid()).toBe(false);
  });
});

describe('recipe files', () => {
  const YAML = [
    'schema_version: 2025.10.01',
    'type: workspace',
    'spec:',
    '  name: yaml-ws',
    '  image: saturncloud/saturn-python:2023.09.01',
    '  instance_type: large',
    '  environment_variables:',
    '    STARTED: 2024-01-02',
    ''
  ].join('\n');

  it('converts a YAML recipe to the JSON that is checked and sent', () => {
    const json = JSON.parse(recipeFileText('recipes/ws.yaml', YAML));
    expect(json).toEqual({
      schema_version: '2025.10.01',
      type: 'workspace',
      spec: {
        name: 'yaml-ws',
        image: 'saturncloud/saturn-python:2023.09.01',
        instance_type: 'large',
        // No Date: YAML 1.2's core schema keeps it a string.
        environment_variables: { STARTED: '2024-01-02' }
      }
    });
    expect(recipeFileText('ws.json', '{"a": 1}')).toBe('{"a": 1}');
    expect(() => recipeFileText('bad.yml', 'a: [1,')).toThrow();
  });

  it('loads a .yaml file into the form, and says where one is malformed', async () => {
    const files: { [path: string]: string } = {
      'ws.yaml': YAML,
      'bad.yml': 'spec: [1,'
    };
    const contents = {
      get: async (path: string) => ({ content: files[path] })
    } as unknown as Contents.IManager;
    const body = new RecipeBody({
      trans,
      contents,
      askUser: false,
      path: 'ws.yaml',
      submit: async () => null
    });
    Widget.attach(body, document.body);
    await waitFor(() => field(body.node, 'recipe')?.value.includes('yaml-ws'));
    expect(body.isValid()).toBe(true);
    expect(body.getValue().recipe).toEqual(
      expect.objectContaining({ type: 'workspace' })
    );
    typeInto(field(body.node, 'path'), 'bad.yml');
    (
      body.node.querySelector(
        '[aria-label="Load recipe file"]'
      ) as HTMLButtonElement
    ).click();
    await waitFor(() =>
      body.node.textContent?.includes('bad.yml is not valid YAML:')
    );
    body.dispose();
  });

  it('"Choose File…" hands the form over and closes the dialog; the form opens again as it was', async () => {
    const handed: RecipeBody.IState[] = [];
    const contents = {
      get: async () => ({ content: '' })
    } as unknown as Contents.IManager;
    const body = new RecipeBody({
      trans,
      contents,
      askUser: true,
      browse: state => handed.push(state),
      submit: async () => null
    });
    const result = showFormDialog({
      title: 'Recipe',
      body,
      acceptLabel: 'Create',
      trans,
      focusNodeSelector: 'button[name="browse"]'
    });
    const browse = await waitFor(() =>
      body.node.querySelector<HTMLButtonElement>('button[name="browse"]')
    );
    await waitFor(() => document.activeElement === browse);
    // Its name is its text (WCAG 2.5.3); the title says more.
    expect(browse.textContent).toBe('Choose File…');
    expect(browse.hasAttribute('aria-label')).toBe(false);
    typeInto(field(body.node, 'recipe'), '{"type": "job"}');
    typeInto(field(body.node, 'user'), 'bob');
    browse.click();
    await expect(result).resolves.toBeNull();
    expect(document.querySelector('.jp-SaturnPanel-dialog')).toBeNull();
    expect(handed).toEqual([
      { path: '', text: '{"type": "job"}', user: 'bob' }
    ]);

    const again = new RecipeBody({
      trans,
      contents,
      askUser: true,
      ...handed[0],
      submit: async () => null
    });
    Widget.attach(again, document.body);
    await waitFor(() => field(again.node, 'recipe'));
    expect(field(again.node, 'recipe').value).toBe('{"type": "job"}');
    expect(field(again.node, 'user').value).toBe('bob');
    // Without a file dialog to show, no "Choose File…".
    expect(again.node.querySelector('button[name="browse"]')).toBeNull();
    again.dispose();
  });
});
