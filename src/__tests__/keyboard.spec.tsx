/**
 * The panel with the keyboard (issue 12): arrow keys between rows, the focus
 * kept in a row whose button went away, one tab stop per action, a named
 * server's name beside its display name, sections remembered.
 */
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { SaturnPanel } from '../components/panel';
import { ResourceModel } from '../model';
import { config, hubServer, resource } from './fixtures';
import { waitFor } from './dom';

const URL = 'http://127.0.0.1:8000/user/alice/dev/';

function row(panel: Widget, key: string): HTMLElement | null {
  return panel.node.querySelector(`.jp-SaturnPanel-row[data-key="${key}"]`);
}

function press(target: Element, key: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
}

describe('the panel with the keyboard', () => {
  let model: ResourceModel;
  let commands: CommandRegistry;
  let panel: SaturnPanel;
  beforeEach(() => {
    model = new ResourceModel();
    commands = new CommandRegistry();
    // Stand-ins of the panel's commands: what matters here is the focus.
    for (const id of ['start', 'stop', 'delete', 'open']) {
      commands.addCommand(`saturn-panel:${id}`, {
        label: args => `${id} ${String(args.key)}`,
        isEnabled: args => model.canDo(String(args.key), id as 'start'),
        execute: () => undefined
      });
    }
    panel = new SaturnPanel({ model, commands, translator: nullTranslator });
    Widget.attach(panel, document.body);
    model.applyBackends(config());
  });
  afterEach(() => {
    panel.dispose();
    model.dispose();
  });

  it('focuses the filter when opened to be used, not when merely revealed', async () => {
    const filter = await waitFor(() =>
      panel.node.querySelector<HTMLInputElement>('.jp-SaturnPanel-filter input')
    );
    document.body.focus();
    // A job run reveals the panel: the focus stays where the user works.
    panel.activate();
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(document.activeElement).not.toBe(filter);
    // "Show Saturn Panel" (palette, Ctrl Shift Y).
    panel.focusFilter();
    expect(document.activeElement).toBe(filter);
  });

  it('moves between rows with the arrow keys, Home and End', async () => {
    model.applySnapshot([
      resource(hubServer('alice', '')),
      resource(hubServer('alice', 'dev')),
      resource(hubServer('bob', ''))
    ]);
    const first = await waitFor(() => row(panel, 'hub/alice/'));
    const start = first.querySelector('button') as HTMLButtonElement;
    start.focus();
    press(start, 'ArrowDown');
    // The same column in the next row: its Start button.
    expect(document.activeElement).toBe(
      row(panel, 'hub/alice/dev')!.querySelector('button')
    );
    press(document.activeElement!, 'End');
    expect(document.activeElement).toBe(
      row(panel, 'hub/bob/')!.querySelector('button')
    );
    press(document.activeElement!, 'ArrowDown'); // the last row stays
    expect(document.activeElement).toBe(
      row(panel, 'hub/bob/')!.querySelector('button')
    );
    press(document.activeElement!, 'Home');
    expect(document.activeElement).toBe(start);
  });

  it('keeps the focus in a row whose button went away', async () => {
    model.applySnapshot([resource(hubServer('alice', 'dev'))]);
    const dev = await waitFor(() => row(panel, 'hub/alice/dev'));
    (dev.querySelector('.jp-mod-start') as HTMLElement).focus();
    // Start pressed: the row is busy, then pending with only Stop.
    model.setBusy('hub/alice/dev', true);
    await waitFor(() => document.activeElement === dev);
    model.applyResource(
      resource(
        hubServer('alice', 'dev', { status: 'pending', actions: ['stop'] })
      )
    );
    model.setBusy('hub/alice/dev', false);
    await waitFor(() =>
      document.activeElement?.classList.contains('jp-mod-stop')
    );
    expect(dev.contains(document.activeElement)).toBe(true);
  });

  it('gives a running row one tab stop per action and shows both names', async () => {
    model.applySnapshot([
      resource(
        hubServer('alice', 'gpu-experiment', {
          displayName: 'GPU experiment',
          status: 'running',
          url: URL,
          actions: ['stop', 'open']
        })
      )
    ]);
    const gpu = await waitFor(() => row(panel, 'hub/alice/gpu-experiment'));
    const stops = Array.from(
      gpu.querySelectorAll<HTMLElement>('a[href], button')
    ).filter(el => el.tabIndex >= 0);
    const names = stops.map(el => el.getAttribute('aria-label') ?? el.title);
    expect(new Set(names).size).toBe(names.length);
    expect(gpu.querySelector('.jp-SaturnPanel-name')!.textContent).toBe(
      'GPU experiment'
    );
    expect(gpu.querySelector('.jp-SaturnPanel-serverName')!.textContent).toBe(
      'gpu-experiment'
    );
    expect(gpu.getAttribute('aria-label')).toBe(
      "alice's server GPU experiment, running"
    );
  });
});

describe('the sections', () => {
  it('remember which are collapsed', async () => {
    const state = new StateDB();
    const model = new ResourceModel();
    const make = () =>
      new SaturnPanel({
        model,
        commands: new CommandRegistry(),
        translator: nullTranslator,
        state
      });
    const first = make();
    Widget.attach(first, document.body);
    const accordion = first.content as AccordionPanel;
    await new Promise(resolve => setTimeout(resolve, 0));
    accordion.collapse(1); // Saturn Cloud
    const key = 'jupyterlab-saturn-panel:sections';
    for (let i = 0; i < 100 && !(await state.fetch(key)); i++) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(await state.fetch(key)).toMatchObject({
      saturn: { expanded: false },
      hub: { expanded: true }
    });
    first.dispose();

    const second = make();
    Widget.attach(second, document.body);
    const again = second.content as AccordionPanel;
    await waitFor(() => again.widgets[1].isHidden);
    expect(again.widgets[0].isHidden).toBe(false);
    expect(again.widgets[2].isHidden).toBe(false);
    second.dispose();
    model.dispose();
  });
});
