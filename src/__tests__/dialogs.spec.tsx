import type { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import {
  INewServer,
  IRecipeResult,
  NewServerBody,
  RecipeBody,
  showFormDialog
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
  });
});
