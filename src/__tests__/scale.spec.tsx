/**
 * Hubs of thousands of users (issue 11): a hidden panel renders nothing, a
 * long list shows a page of rows and a button for more, and the hub's
 * other users are found by a debounced search instead of being listed.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import type { IHubUserPage } from '../api';
import { SaturnPanel } from '../components/panel';
import { ROWS_PER_PAGE } from '../components/SectionBody';
import { HubSearch, searchText } from '../hubSearch';
import { ResourceModel } from '../model';
import { config, hubServer, resource } from './fixtures';
import { waitFor } from './dom';

const trans = nullTranslator.load('jupyterlab-saturn-panel');

function users(count: number) {
  return Array.from({ length: count }, (_, i) =>
    resource(hubServer(`user${String(i).padStart(4, '0')}`, ''))
  );
}

function hubRows(panel: Widget): NodeListOf<Element> {
  return panel.node.querySelectorAll(
    '[data-section="hub"] .jp-SaturnPanel-row'
  );
}

describe('a panel with thousands of servers', () => {
  let model: ResourceModel;
  let panel: SaturnPanel;
  beforeEach(() => {
    model = new ResourceModel();
    panel = new SaturnPanel({
      model,
      commands: new CommandRegistry(),
      translator: nullTranslator
    });
  });
  afterEach(() => {
    panel.dispose();
    model.dispose();
  });

  it('renders nothing while hidden, and everything once shown', async () => {
    panel.hide();
    Widget.attach(panel, document.body);
    model.applyBackends(config());
    model.applySnapshot(users(3));
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(hubRows(panel)).toHaveLength(0);
    panel.show();
    await waitFor(() => hubRows(panel).length === 3);
  });

  it('shows a page of rows, then more on demand', async () => {
    Widget.attach(panel, document.body);
    model.applyBackends(config());
    model.applySnapshot(users(ROWS_PER_PAGE * 2 + 20));
    await waitFor(() => hubRows(panel).length === ROWS_PER_PAGE);
    const more = panel.node.querySelector(
      '[data-section="hub"] .jp-SaturnPanel-more'
    ) as HTMLButtonElement;
    expect(more.textContent).toBe(
      `Show ${ROWS_PER_PAGE} more (${ROWS_PER_PAGE + 20} not shown)`
    );
    more.click();
    await waitFor(() => hubRows(panel).length === ROWS_PER_PAGE * 2);
    // The filter works on every row, shown or not.
    model.filter = 'user0219';
    await waitFor(() => hubRows(panel).length === 1);
    expect(hubRows(panel)[0].getAttribute('data-key')).toBe('hub/user0219/');
  });

  it('uses plain buttons in rows', async () => {
    Widget.attach(panel, document.body);
    model.applyBackends(config());
    model.applySnapshot(users(1));
    const button = await waitFor(() =>
      panel.node.querySelector('.jp-SaturnPanel-row .jp-SaturnPanel-action')
    );
    expect(button.tagName).toBe('BUTTON');
  });
});

describe('HubSearch', () => {
  let model: ResourceModel;
  let calls: { text: string; offset: number }[];
  let pages: IHubUserPage[];
  let search: HubSearch;
  beforeEach(() => {
    model = new ResourceModel();
    model.applyBackends(config());
    model.applySnapshot([resource(hubServer('alice', ''))]);
    calls = [];
    pages = [];
    search = new HubSearch({
      model,
      trans,
      delay: 20,
      search: async (text, offset = 0) => {
        calls.push({ text, offset });
        const page = pages.shift();
        if (!page) {
          throw new Error('the hub is down');
        }
        return page;
      }
    });
  });
  afterEach(() => {
    search.dispose();
    model.dispose();
  });

  it('searches the longest word of the filter once typing rests', async () => {
    expect(searchText('  ')).toBeNull();
    expect(searchText('bo running')).toBe('running');
    pages.push({
      users: [
        { name: 'bob', servers: [resource(hubServer('bob', ''))] },
        // alice's servers are in the live state already: not repeated.
        { name: 'alice', servers: [resource(hubServer('alice', ''))] }
      ],
      next: 50,
      total: 51
    });
    model.filter = 'b';
    model.filter = 'bo';
    await waitFor(() => model.hubSearch && !model.hubSearch.loading);
    expect(calls).toEqual([{ text: 'bo', offset: 0 }]);
    expect(model.hubSearchResults().map(g => g.owner)).toEqual(['bob']);
    // A found server can be acted on by key, as any row.
    expect(model.get('hub/bob/')?.status).toBe('stopped');
    expect(model.canDo('hub/bob/', 'start')).toBe(true);

    pages.push({
      users: [{ name: 'boris', servers: [resource(hubServer('boris', ''))] }],
      next: null,
      total: 51
    });
    await search.more();
    expect(calls[1]).toEqual({ text: 'bo', offset: 50 });
    expect(model.hubSearch?.users.map(u => u.name)).toEqual([
      'bob',
      'alice',
      'boris'
    ]);
    expect(model.hubSearch?.next).toBeNull();

    model.filter = '';
    expect(model.hubSearch).toBeNull();
    expect(model.get('hub/bob/')).toBeUndefined();
  });

  it('says when the search failed, and retries', async () => {
    model.filter = 'carol';
    await waitFor(() => model.hubSearch?.error);
    expect(model.hubSearch?.error).toContain('the hub is down');
    pages.push({ users: [], next: null, total: 0 });
    await search.retry();
    expect(model.hubSearch?.error).toBeNull();
    expect(model.hubSearch?.users).toEqual([]);
  });

  it('does not search for a token that may not list users', async () => {
    model.applyBackends(
      config({
        hub: {
          abilities: {
            listAllUsers: false,
            start: true,
            stop: true,
            delete: true
          }
        }
      })
    );
    model.filter = 'bob';
    await new Promise(resolve => setTimeout(resolve, 60));
    expect(calls).toEqual([]);
    expect(model.hubSearch).toBeNull();
  });
});
