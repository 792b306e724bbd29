/**
 * Start with options where the Start button is (issue 19, finding 2): the
 * plain Start says what it reuses, the hub's own start page is a command,
 * the split button's menu offers both ways, and the new-server dialog's
 * options become the start's userOptions.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { JSONObject } from '@lumino/coreutils';
import { ReactWidget } from '@jupyterlab/ui-components';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { ActionNotifier } from '../commands';
import { addResourceCommands } from '../commands/resources';
import {
  addStartOptionsCommand,
  lastChoiceOf,
  OPEN_SPAWN_PAGE
} from '../commands/startOptions';
import type { IPanelContext } from '../components/context';
import { ResourceRow } from '../components/ResourceRow';
import { NewServerBody } from '../dialogs';
import { ResourceModel } from '../model';
import { CommandIDs, TRANSLATION_DOMAIN } from '../tokens';
import { waitFor } from './dom';
import { config, hubServer, resource } from './fixtures';

const trans = nullTranslator.load(TRANSLATION_DOMAIN);

(
  globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
).IS_REACT_ACT_ENVIRONMENT = true;

/**
 * Renders one element.
 */
class Holder extends ReactWidget {
  constructor(readonly element: JSX.Element) {
    super();
  }
  protected render(): JSX.Element {
    return <ul>{this.element}</ul>;
  }
}
const SPAWN_PAGE = 'http://127.0.0.1:8000/hub/spawn/alice/dev';

const SCHEMA: JSONObject = {
  type: 'object',
  properties: {
    profile: {
      type: 'string',
      title: 'Profile',
      default: 'cpu',
      oneOf: [
        { const: 'cpu', title: 'CPU machine' },
        { const: 'gpu', title: 'GPU machine', description: '1 T4 GPU' }
      ]
    }
  },
  required: ['profile']
};

const SPAWN_OPTIONS = { source: 'profile_list', schema: SCHEMA, problems: [] };

function setup(details: { [key: string]: unknown }, spawnOptions: unknown) {
  const model = new ResourceModel();
  model.applyBackends(config({ hub: { spawnOptions } }));
  model.applySnapshot([
    resource(
      hubServer('alice', 'dev', {
        details: { userOptions: {}, spawnPage: SPAWN_PAGE, ...details }
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
  addResourceCommands({ app, model, notifier, trans });
  addStartOptionsCommand({ app, model, notifier, trans, state: null });
  return { model, commands };
}

describe('a plain Start after an options start', () => {
  it('says what it reuses', () => {
    const { model, commands } = setup(
      {
        userOptions: { profile: 'gpu', image: 'tensorflow' },
        lastStartedWith: 'GPU machine (Image: TensorFlow)'
      },
      SPAWN_OPTIONS
    );
    expect(lastChoiceOf(model.get('hub/alice/dev'))).toBe(
      'GPU machine (Image: TensorFlow)'
    );
    expect(commands.label(CommandIDs.start, { key: 'hub/alice/dev' })).toBe(
      "Start alice's server dev (reuses GPU machine (Image: TensorFlow))"
    );
  });

  it('claims nothing when the server was last started without options', () => {
    const { commands } = setup({ lastStartedWith: null }, SPAWN_OPTIONS);
    expect(commands.label(CommandIDs.start, { key: 'hub/alice/dev' })).toBe(
      "Start alice's server dev"
    );
  });
});

describe(OPEN_SPAWN_PAGE, () => {
  it("opens the hub's own start page of a stopped server", async () => {
    const { commands } = setup({}, SPAWN_OPTIONS);
    const args = { key: 'hub/alice/dev' };
    expect(commands.isEnabled(OPEN_SPAWN_PAGE, args)).toBe(true);
    expect(commands.label(OPEN_SPAWN_PAGE, args)).toBe(
      "Open the Hub's Start Page of alice's server dev"
    );
    const open = jest.spyOn(window, 'open').mockReturnValue({} as Window);
    await commands.execute(OPEN_SPAWN_PAGE, args);
    expect(open).toHaveBeenCalledWith(SPAWN_PAGE, '_blank');
    open.mockRestore();
  });

  it('is not offered for a running server', () => {
    const { model, commands } = setup({}, SPAWN_OPTIONS);
    model.applyResource(
      resource(
        hubServer('alice', 'dev', {
          status: 'running',
          url: 'http://127.0.0.1:8000/user/alice/dev/',
          actions: ['stop', 'open'],
          details: { spawnPage: SPAWN_PAGE }
        })
      )
    );
    expect(commands.isEnabled(OPEN_SPAWN_PAGE, { key: 'hub/alice/dev' })).toBe(
      false
    );
  });
});

describe('the split Start of a row', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  async function renderRow(spawnOptions: unknown): Promise<HTMLElement> {
    const { model, commands } = setup(
      { lastStartedWith: 'GPU machine' },
      spawnOptions
    );
    const context = { model, commands, trans } as unknown as IPanelContext;
    const holder = new Holder(
      <ResourceRow
        resource={model.get('hub/alice/dev')!}
        context={context}
        showOwner={false}
        now={Date.now()}
        config={model.config}
      />
    );
    Widget.attach(holder, document.body);
    React.act(() => {
      MessageLoop.sendMessage(holder, Widget.Msg.UpdateRequest);
    });
    const host = holder.node;
    return host;
  }

  it('offers a menu beside ▶ when the hub has start options', async () => {
    const host = await renderRow(SPAWN_OPTIONS);
    const start = host.querySelector<HTMLButtonElement>('.jp-mod-start')!;
    expect(start.getAttribute('aria-label')).toBe(
      "Start alice's server dev (reuses GPU machine)"
    );
    const more = host.querySelector<HTMLButtonElement>('.jp-mod-startMenu')!;
    expect(more.getAttribute('aria-label')).toBe(
      "More ways to start alice's server dev"
    );
    expect(more.getAttribute('aria-haspopup')).toBe('menu');
    expect(more.disabled).toBe(false);
    React.act(() => {
      more.click();
    });
    const items = await waitFor(() => {
      const found = document.querySelectorAll(
        '.jp-SaturnPanel-startMenu .lm-Menu-itemLabel'
      );
      return found.length > 0 ? found : null;
    });
    expect(Array.from(items).map(item => item.textContent)).toEqual([
      "Start alice's server dev with Options…",
      "Open the Hub's Start Page of alice's server dev"
    ]);
  });

  it('is a plain ▶ without start options', async () => {
    const host = await renderRow(null);
    expect(host.querySelector('.jp-mod-start')).not.toBeNull();
    expect(host.querySelector('.jp-mod-startMenu')).toBeNull();
  });
});

describe('the new-server dialog with start options', () => {
  it("offers the options and sends them as the start's userOptions", async () => {
    const body = new NewServerBody({
      trans,
      user: 'alice',
      askUser: false,
      exists: () => false,
      submit: async () => null,
      name: 'gpu-box',
      startOptions: {
        schema: SCHEMA,
        spawnPage: (user, name) => `http://hub/hub/spawn/${user}/${name}`
      }
    });
    Widget.attach(body, document.body);
    const select = await waitFor(() =>
      body.node.querySelector<HTMLSelectElement>(
        '.jp-SaturnPanel-newServerOptions select'
      )
    );
    expect(
      body.node.querySelector('.jp-SaturnPanel-newServerOptions legend')!
        .textContent
    ).toBe('Start options');
    // Its title as its accessible name (the form's title is no <label>).
    await waitFor(() => select.getAttribute('aria-label') === 'Profile');
    expect(body.getValue().userOptions).toEqual({ profile: 'cpu' });
    const gpu = Array.from(select.options).find(o => o.text === 'GPU machine')!;
    select.value = gpu.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => body.getValue().userOptions?.profile === 'gpu');
    expect(body.getValue()).toEqual({
      user: 'alice',
      name: 'gpu-box',
      displayName: '',
      userOptions: { profile: 'gpu' }
    });
    const link = await waitFor(() =>
      body.node.querySelector<HTMLAnchorElement>(
        '.jp-SaturnPanel-spawnPageLink a'
      )
    );
    expect(link.href).toBe('http://hub/hub/spawn/alice/gpu-box');
    expect(link.target).toBe('_blank');
    body.dispose();
  });

  it('sends no userOptions when the hub has none', () => {
    const body = new NewServerBody({
      trans,
      user: 'alice',
      askUser: false,
      exists: () => false,
      submit: async () => null,
      name: 'box'
    });
    expect(body.getValue().userOptions).toBeUndefined();
    body.dispose();
  });
});
