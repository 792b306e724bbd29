import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { ResourceModel } from '../model';
import {
  acceptLink,
  addSharingCommands,
  ISharingConfig,
  normalizeSharingConfig,
  IShare,
  SharedWithLine,
  ShareBody,
  shareModes,
  SharingCommandIDs,
  SharingSection,
  SharingStore
} from '../sharing';
import { waitFor } from './dom';
import { hubServer, resource } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

const SCOPES = [
  'access:servers',
  'read:servers',
  'start:servers',
  'delete:servers',
  'servers'
];

function sharingConfig(abilities: {
  share?: boolean;
  users?: boolean;
  groups?: boolean;
  hint?: string | null;
}): ISharingConfig {
  const share = abilities.share ?? true;
  return normalizeSharingConfig({
    hub: {
      configured: true,
      reachable: true,
      user: 'alice',
      abilities: {
        share,
        shareWithNames: share && !!(abilities.users || abilities.groups),
        shareWithUsers: share && !!abilities.users,
        shareWithGroups: share && !!abilities.groups
      },
      shareScopes: share ? SCOPES : [],
      sharingHint: abilities.hint ?? null
    }
  });
}

function apiPath(request: Request): string {
  return request.url
    .replace(/^.*\/saturn-panel\//, '')
    .replace(/[?&][0-9]+$/, '');
}

/**
 * A fetch answering by method and path.
 */
function fakeFetch(
  answer: (method: string, path: string) => { status: number; body: unknown }
) {
  const requests: { method: string; path: string; body: string }[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = apiPath(request);
    requests.push({
      method: request.method,
      path,
      body: request.method === 'GET' ? '' : await request.text()
    });
    const { status, body } = answer(request.method, path);
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { requests, restore: () => (globalThis.fetch = original) };
}

function radios(node: HTMLElement): string[] {
  return Array.from(
    node.querySelectorAll<HTMLInputElement>('input[name="mode"]')
  ).map(input => input.value);
}

describe('ShareBody', () => {
  let body: ShareBody;
  afterEach(() => body.dispose());

  function create(config: ISharingConfig) {
    body = new ShareBody({
      config,
      trans,
      serverLabel: "alice's server dev",
      owner: 'alice',
      submit: async () => null
    });
    Widget.attach(body, document.body);
    return body;
  }

  it('offers a user, a group and a link when the token may read names', async () => {
    create(sharingConfig({ users: true, groups: true }));
    await waitFor(() => body.node.querySelector('input[name="mode"]'));
    expect(radios(body.node)).toEqual(['user', 'group', 'link']);
    // The hub's permission choices, access only by default.
    const checked = Array.from(
      body.node.querySelectorAll<HTMLInputElement>('input[name="scope"]')
    )
      .filter(input => input.checked)
      .map(input => input.value);
    expect(checked).toEqual(['access:servers']);
    expect(body.node.querySelectorAll('input[name="scope"]').length).toBe(
      SCOPES.length
    );
  });

  it('offers only links without read:users:name', async () => {
    create(
      sharingConfig({
        users: false,
        groups: false,
        hint: 'Add read:users:name'
      })
    );
    await waitFor(() => body.node.querySelector('input[name="mode"]'));
    expect(radios(body.node)).toEqual(['link']);
    expect(body.node.textContent).toContain('Add read:users:name');
    expect(body.node.querySelector('select[name="expiresIn"]')).not.toBeNull();
    expect(body.isValid()).toBe(true);
  });

  it('says a group share does not give access in JupyterHub 6.1.1', async () => {
    create(sharingConfig({ users: true, groups: true }));
    const group = await waitFor(() =>
      body.node.querySelector<HTMLInputElement>('input[value="group"]')
    );
    group.click();
    await waitFor(() => body.node.querySelector('.jp-SaturnPanel-groupCaveat'));
    expect(body.node.textContent).toContain('does not give');
    expect(body.isValid()).toBe(false);
  });

  it('computes the modes from the abilities', () => {
    expect(shareModes(sharingConfig({ users: true }))).toEqual([
      'user',
      'link'
    ]);
    expect(shareModes(sharingConfig({ groups: true }))).toEqual([
      'group',
      'link'
    ]);
  });
});

describe('acceptLink', () => {
  it('prefers the full URL, else the page origin and the path', () => {
    expect(
      acceptLink(
        {
          acceptUrl: '/hub/accept-share?code=x',
          fullAcceptUrl: 'http://h/hub/accept-share?code=x'
        },
        'http://lab'
      )
    ).toBe('http://h/hub/accept-share?code=x');
    expect(
      acceptLink(
        { acceptUrl: '/hub/accept-share?code=x', fullAcceptUrl: null },
        'http://lab'
      )
    ).toBe('http://lab/hub/accept-share?code=x');
  });
});

describe('sharing commands', () => {
  let restore: () => void = () => undefined;
  let dispose: () => void = () => undefined;
  afterEach(() => {
    restore();
    dispose();
    document.querySelectorAll('.jp-Dialog').forEach(node => {
      const widget = node as unknown as { remove(): void };
      widget.remove();
    });
    Dialog.flush();
  });

  async function setup(config: ISharingConfig) {
    const model = new ResourceModel();
    model.applySnapshot([
      resource(
        hubServer('alice', 'dev', {
          status: 'running',
          actions: ['stop', 'open']
        })
      )
    ]);
    const commands = new CommandRegistry();
    const app = {
      commands,
      contextMenuHitTest: () => undefined
    } as unknown as JupyterFrontEnd;
    const store = new SharingStore({
      fetchSharingConfig: async () => config,
      fetchOwnerShares: async () => ({ shares: [], codes: [] }),
      fetchSharedWithMe: async () => ({ user: 'alice', shared: [] })
    });
    await store.refresh();
    const disposable = addSharingCommands({ app, model, trans, store });
    dispose = () => disposable.dispose();
    return { commands, store };
  }

  it('is disabled without the shares scope, its caption the hint', async () => {
    const { commands } = await setup(
      sharingConfig({ share: false, hint: 'load_roles shares!user' })
    );
    const args = { key: 'hub/alice/dev' };
    expect(commands.isEnabled(SharingCommandIDs.share, args)).toBe(false);
    expect(commands.isEnabled(SharingCommandIDs.manage, args)).toBe(false);
    expect(commands.caption(SharingCommandIDs.share, args)).toBe(
      'load_roles shares!user'
    );
    expect(
      commands.isVisible(SharingCommandIDs.share, { contextMenu: true })
    ).toBe(false);
  });

  it('creates a link, copies it and shows it once', async () => {
    const fake = fakeFetch(() => ({
      status: 201,
      body: {
        id: 'sc_1',
        scopes: ['access:servers!server=alice/dev'],
        createdAt: null,
        expiresAt: '2026-12-07T00:00:00Z',
        exchangeCount: 0,
        lastExchangedAt: null,
        server: {
          key: 'hub/alice/dev',
          owner: 'alice',
          name: 'dev',
          ready: true
        },
        code: 'secret-code',
        acceptUrl: '/hub/accept-share?code=secret-code',
        fullAcceptUrl: 'http://hub.example/hub/accept-share?code=secret-code'
      }
    }));
    restore = fake.restore;
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) }
    });
    const { commands } = await setup(sharingConfig({ users: true }));
    expect(
      commands.isEnabled(SharingCommandIDs.share, { key: 'hub/alice/dev' })
    ).toBe(true);
    const done = commands.execute(SharingCommandIDs.share, {
      key: 'hub/alice/dev'
    });
    const link = await waitFor(() =>
      document.querySelector<HTMLInputElement>('input[value="link"]')
    );
    link.click();
    const select = await waitFor(() =>
      document.querySelector<HTMLSelectElement>('select[name="expiresIn"]')
    );
    select.value = '3600';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    const accept = document.querySelector<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-mod-accept'
    )!;
    accept.click();
    const shown = await waitFor(() =>
      document.querySelector<HTMLInputElement>('.jp-SaturnPanel-shareLinkText')
    );
    expect(shown.value).toBe(
      'http://hub.example/hub/accept-share?code=secret-code'
    );
    expect(copied).toEqual([shown.value]);
    const post = fake.requests.find(r => r.method === 'POST')!;
    expect(post.path).toBe('hub/servers/alice/dev/share-codes');
    expect(JSON.parse(post.body).scopes).toEqual(['access:servers']);
    document
      .querySelector<HTMLButtonElement>('.jp-Dialog-footer .jp-mod-accept')!
      .click();
    await done;
  });

  it("shows the hub's refusal in the dialog", async () => {
    const fake = fakeFetch(() => ({
      status: 400,
      body: { message: 'No such user: zed' }
    }));
    restore = fake.restore;
    const { commands } = await setup(sharingConfig({ users: true }));
    void commands.execute(SharingCommandIDs.share, { key: 'hub/alice/dev' });
    const input = await waitFor(() =>
      document.querySelector<HTMLInputElement>('input[name="target"]')
    );
    const setter = Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!;
    setter.call(input, 'zed');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const accept = document.querySelector<HTMLButtonElement>(
      '.jp-Dialog-footer .jp-mod-accept'
    )!;
    await waitFor(() => !accept.disabled);
    accept.click();
    await waitFor(() =>
      document
        .querySelector('.jp-SaturnPanel-formError')
        ?.textContent?.includes('No such user: zed')
    );
    const post = fake.requests.find(r => r.method === 'POST')!;
    expect(post.path).toBe('hub/servers/alice/dev/shares');
    expect(JSON.parse(post.body)).toEqual({
      user: 'zed',
      scopes: ['access:servers']
    });
    document
      .querySelector<HTMLButtonElement>('.jp-Dialog-footer .jp-mod-reject')!
      .click();
  });
});

describe("the panel's sharing parts", () => {
  const server = {
    key: 'hub/bob/lab',
    owner: 'bob',
    name: 'lab',
    ready: true,
    status: 'running' as const,
    url: 'http://hub.example/user/bob/lab/'
  };
  const sharedWithAlice: IShare = {
    kind: 'user',
    user: 'alice',
    group: null,
    scopes: ['access:servers!server=bob/lab'],
    createdAt: null,
    server
  };
  let widget: Widget | null = null;
  afterEach(() => {
    widget?.dispose();
    widget = null;
  });

  function show(element: JSX.Element): HTMLElement {
    widget = ReactWidget.create(element);
    Widget.attach(widget, document.body);
    return widget.node;
  }

  it('lists the servers shared with the user, with owner, status and Open', async () => {
    const store = new SharingStore({
      fetchSharingConfig: async () => sharingConfig({ users: true }),
      fetchOwnerShares: async () => ({ shares: [], codes: [] }),
      fetchSharedWithMe: async () => ({
        user: 'alice',
        shared: [sharedWithAlice]
      })
    });
    const node = show(
      <SharingSection
        commands={new CommandRegistry()}
        trans={trans}
        store={store}
      />
    );
    await store.refresh();
    const row = await waitFor(() =>
      node.querySelector<HTMLElement>('.jp-SaturnPanel-sharedRow')
    );
    expect(node.textContent).toContain('Shared with me');
    expect(row.dataset.key).toBe('hub/bob/lab');
    expect(row.textContent).toContain('owner: bob');
    expect(
      row.querySelector('.jp-SaturnPanel-status')?.textContent
    ).toBeTruthy();
    const open = row.querySelector<HTMLAnchorElement>('a.jp-mod-open')!;
    expect(open.href).toBe('http://hub.example/user/bob/lab/');
    expect(open.target).toBe('_blank');
  });

  it('says once how to turn sharing on, until dismissed', async () => {
    const store = new SharingStore({
      fetchSharingConfig: async () =>
        sharingConfig({ share: false, hint: 'c.JupyterHub.load_roles = ...' }),
      fetchOwnerShares: async () => ({ shares: [], codes: [] }),
      fetchSharedWithMe: async () => ({ user: 'alice', shared: [] })
    });
    const node = show(
      <SharingSection
        commands={new CommandRegistry()}
        trans={trans}
        store={store}
      />
    );
    await store.refresh();
    const note = await waitFor(() =>
      node.querySelector<HTMLElement>('.jp-SaturnPanel-sharingHint')
    );
    expect(note.textContent).toContain('c.JupyterHub.load_roles');
    note.querySelector<HTMLButtonElement>('button')!.click();
    await waitFor(() => !node.querySelector('.jp-SaturnPanel-sharingHint'));
  });

  it("shows who a row's server is shared with", async () => {
    const store = new SharingStore({
      fetchSharingConfig: async () => sharingConfig({ users: true }),
      fetchOwnerShares: async () => ({
        shares: [
          {
            ...sharedWithAlice,
            user: 'bob',
            server: {
              ...server,
              key: 'hub/alice/dev',
              owner: 'alice',
              name: 'dev'
            }
          },
          {
            ...sharedWithAlice,
            user: 'carol',
            server: {
              ...server,
              key: 'hub/alice/dev',
              owner: 'alice',
              name: 'dev'
            }
          }
        ],
        codes: []
      }),
      fetchSharedWithMe: async () => ({ user: 'alice', shared: [] })
    });
    const node = show(
      <SharedWithLine
        resource={resource(hubServer('alice', 'dev', { status: 'running' }))}
        trans={trans}
        store={store}
      />
    );
    await store.refresh();
    await waitFor(() => node.textContent?.includes('Shared with bob, carol'));
  });
});
