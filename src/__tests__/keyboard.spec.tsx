/**
 * The panel with the keyboard (issues 12 and 19): arrow keys between rows and
 * across sections, the filter one key from the first row, Escape back to
 * where the focus was, the focus kept in a row whose button went away, one
 * tab stop per action, a named server's name beside its display name,
 * sections remembered.
 */
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { SaturnPanel } from '../components/panel';
import { ResourceModel } from '../model';
import {
  config,
  hubServer,
  resource,
  saturnDeployment,
  saturnJob,
  saturnWorkspace
} from './fixtures';
import { waitFor } from './dom';

const URL = 'http://127.0.0.1:8000/user/alice/dev/';
const WS = '0123456789abcdef0123456789abcdef';
const JOB = 'fedcba9876543210fedcba9876543210';
const DEP = '00112233445566778899aabbccddeeff';

function row(panel: Widget, key: string): HTMLElement | null {
  return panel.node.querySelector(`.jp-SaturnPanel-row[data-key="${key}"]`);
}

/** Press a key; returns whether something handled it (its default prevented). */
function press(target: Element, key: string): boolean {
  const event = new KeyboardEvent('keydown', {
    key,
    bubbles: true,
    cancelable: true
  });
  target.dispatchEvent(event);
  return event.defaultPrevented;
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
    press(document.activeElement!, 'Home');
    expect(document.activeElement).toBe(start);
  });

  it('walks from the filter through every section with the arrow keys, titles included', async () => {
    model.applySnapshot([
      resource(hubServer('alice', '')),
      resource(hubServer('alice', 'dev')),
      resource(saturnWorkspace(WS, 'analysis')),
      resource(saturnDeployment(DEP, 'model-api')),
      resource(saturnJob(JOB, 'train-model'))
    ]);
    const filter = await waitFor(() =>
      panel.node.querySelector<HTMLInputElement>('.jp-SaturnPanel-filter input')
    );
    await waitFor(() => row(panel, `saturn/job/${JOB}`));
    const titles = Array.from(
      panel.node.querySelectorAll<HTMLElement>('.lm-AccordionPanel-title')
    );
    expect(titles).toHaveLength(4);
    const [hubTitle, saturnTitle, deploymentsTitle, jobsTitle] = titles;
    const inRow = (key: string) =>
      row(panel, key)!.contains(document.activeElement);

    // One Tab from the filter: the first row (not refresh, a title, "+").
    filter.focus();
    expect(press(filter, 'Tab')).toBe(true);
    expect(inRow('hub/alice/')).toBe(true);
    // ↓ from the filter too.
    filter.focus();
    press(filter, 'ArrowDown');
    expect(inRow('hub/alice/')).toBe(true);

    // ↓ down the whole panel: rows, then the next section's title, its rows.
    const down: Array<() => boolean> = [
      () => inRow('hub/alice/dev'),
      () => document.activeElement === saturnTitle,
      () => inRow(`saturn/workspace/${WS}`),
      () => document.activeElement === deploymentsTitle,
      () => inRow(`saturn/deployment/${DEP}`),
      () => document.activeElement === jobsTitle,
      () => inRow(`saturn/job/${JOB}`),
      () => inRow(`saturn/job/${JOB}`) // the last row stays
    ];
    for (const [i, check] of down.entries()) {
      press(document.activeElement!, 'ArrowDown');
      expect([i, check()]).toEqual([i, true]);
    }
    // ↑ back up, symmetric, to the first title and the filter.
    const up: Array<() => boolean> = [
      () => document.activeElement === jobsTitle,
      () => inRow(`saturn/deployment/${DEP}`),
      () => document.activeElement === deploymentsTitle,
      () => inRow(`saturn/workspace/${WS}`),
      () => document.activeElement === saturnTitle,
      () => inRow('hub/alice/dev'),
      () => inRow('hub/alice/'),
      () => document.activeElement === hubTitle,
      () => document.activeElement === filter
    ];
    for (const [i, check] of up.entries()) {
      press(document.activeElement!, 'ArrowUp');
      expect([i, check()]).toEqual([i, true]);
    }

    // A collapsed section: ↓ on its title goes to the next title.
    (panel.content as AccordionPanel).collapse(1);
    saturnTitle.focus();
    press(saturnTitle, 'ArrowDown');
    expect(document.activeElement).toBe(deploymentsTitle);
    press(deploymentsTitle, 'ArrowUp');
    expect(document.activeElement).toBe(saturnTitle);
    press(saturnTitle, 'ArrowUp');
    expect(inRow('hub/alice/dev')).toBe(true);
  });

  it('gives the focus back with Escape to where it was before the panel', async () => {
    const editor = document.createElement('textarea');
    document.body.appendChild(editor);
    model.applySnapshot([resource(hubServer('alice', ''))]);
    const alice = await waitFor(() => row(panel, 'hub/alice/'));
    editor.focus();
    (alice.querySelector('button') as HTMLElement).focus();
    expect(press(document.activeElement!, 'Escape')).toBe(true);
    expect(document.activeElement).toBe(editor);

    // In a filter with text, Escape empties it first.
    const filter = panel.node.querySelector<HTMLInputElement>(
      '.jp-SaturnPanel-filter input'
    )!;
    model.filter = 'ali';
    filter.focus();
    press(filter, 'Escape');
    expect(model.filter).toBe('');
    expect(document.activeElement).toBe(filter);
    press(filter, 'Escape');
    expect(document.activeElement).toBe(editor);
    editor.remove();
  });

  it("activates the shell's current widget on Escape when the element that had the focus is gone", async () => {
    const other = new SaturnPanel({
      model,
      commands,
      translator: nullTranslator,
      shell: {
        currentWidget: Object.assign(new Widget(), { id: 'notebook-1' }),
        activateById: id => activated.push(id)
      }
    });
    const activated: string[] = [];
    panel.dispose();
    panel = other;
    Widget.attach(panel, document.body);
    const gone = document.createElement('button');
    document.body.appendChild(gone);
    gone.focus();
    gone.remove();
    model.applySnapshot([resource(hubServer('alice', ''))]);
    const alice = await waitFor(() => row(panel, 'hub/alice/'));
    (alice.querySelector('button') as HTMLElement).focus();
    press(document.activeElement!, 'Escape');
    expect(activated).toEqual(['notebook-1']);
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
