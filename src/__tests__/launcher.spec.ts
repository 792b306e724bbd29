import type { ILauncher } from '@jupyterlab/launcher';
import { nullTranslator } from '@jupyterlab/translation';
import { DisposableDelegate } from '@lumino/disposable';

import { JobLauncherCards, selectLauncherJobs } from '../jobs/launcher';
import { ResourceModel } from '../model';
import { config, resource, saturnJob, saturnWorkspace } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

function id(n: number): string {
  return n.toString(16).padStart(32, '0');
}

describe('selectLauncherJobs', () => {
  const jobs = ['train-model', 'nightly-report', 'job10', 'job9', 'Alpha'];

  it('takes the first 3 jobs by name when none is pinned', () => {
    expect(selectLauncherJobs(jobs, [])).toEqual(['Alpha', 'job9', 'job10']);
    expect(selectLauncherJobs(jobs, [], 1)).toEqual(['Alpha']);
    expect(selectLauncherJobs(['b', 'a'], [])).toEqual(['a', 'b']);
    expect(selectLauncherJobs([], [])).toEqual([]);
  });

  it('takes exactly the pinned jobs that exist, in the pinned order', () => {
    expect(
      selectLauncherJobs(jobs, ['train-model', 'gone', 'Alpha', 'train-model'])
    ).toEqual(['train-model', 'Alpha']);
    // Pinned names must match exactly.
    expect(selectLauncherJobs(jobs, ['alpha'])).toEqual([]);
  });

  it('ignores blank pins', () => {
    expect(selectLauncherJobs(jobs, ['', '  '])).toEqual([
      'Alpha',
      'job9',
      'job10'
    ]);
    expect(selectLauncherJobs(jobs, [' nightly-report '])).toEqual([
      'nightly-report'
    ]);
  });
});

describe('JobLauncherCards', () => {
  /**
   * A launcher that records its cards; disposing a card removes it.
   */
  function fakeLauncher() {
    const cards: ILauncher.IItemOptions[] = [];
    const launcher: ILauncher = {
      add: (options: ILauncher.IItemOptions) => {
        cards.push(options);
        return new DisposableDelegate(() => {
          cards.splice(cards.indexOf(options), 1);
        });
      }
    };
    return { launcher, cards };
  }

  function setup() {
    const model = new ResourceModel();
    model.applyBackends(config());
    const { launcher, cards } = fakeLauncher();
    const launcherCards = new JobLauncherCards({
      launcher,
      model,
      command: 'saturn-panel:run-job',
      trans
    });
    const names = () =>
      cards
        .slice()
        .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
        .map(c => c.args?.name);
    return { model, launcherCards, cards, names };
  }

  it('adds no card while there are no jobs', () => {
    const { model, cards } = setup();
    expect(cards).toHaveLength(0);
    model.applySnapshot([resource(saturnWorkspace(id(1), 'a-workspace'))]);
    expect(cards).toHaveLength(0);
  });

  it('adds one card per job as jobs appear, under "Saturn Cloud"', () => {
    const { model, cards, names } = setup();
    model.applySnapshot([
      resource(saturnWorkspace(id(1), 'a-workspace')),
      resource(saturnJob(id(2), 'train-model'))
    ]);
    expect(names()).toEqual(['train-model']);
    expect(cards[0]).toEqual(
      expect.objectContaining({
        command: 'saturn-panel:run-job',
        args: { name: 'train-model', isLauncher: true },
        category: 'Saturn Cloud'
      })
    );
    model.applyResource(resource(saturnJob(id(3), 'nightly-report')));
    model.applyResource(resource(saturnJob(id(4), 'backfill')));
    expect(names()).toEqual(['backfill', 'nightly-report', 'train-model']);
    // A fourth job by name comes after the first three: no card.
    model.applyResource(resource(saturnJob(id(5), 'zz-last')));
    expect(names()).toEqual(['backfill', 'nightly-report', 'train-model']);
    // One sorting first takes the place of the third.
    model.applyResource(resource(saturnJob(id(6), 'aa-first')));
    expect(names()).toEqual(['aa-first', 'backfill', 'nightly-report']);
    expect(cards).toHaveLength(3);
  });

  it('follows the pinned jobs, including pins of jobs that appear later', () => {
    const { model, launcherCards, names } = setup();
    model.applySnapshot([
      resource(saturnJob(id(2), 'train-model')),
      resource(saturnJob(id(3), 'nightly-report'))
    ]);
    launcherCards.pinned = ['nb-report-abc123', 'train-model'];
    expect(names()).toEqual(['train-model']);
    model.applyResource(resource(saturnJob(id(4), 'nb-report-abc123')));
    expect(names()).toEqual(['nb-report-abc123', 'train-model']);
    // Unpinning everything goes back to the first jobs by name.
    launcherCards.pinned = [];
    expect(names()).toEqual([
      'nb-report-abc123',
      'nightly-report',
      'train-model'
    ]);
  });

  it('removes the card of a deleted job, and all cards when disposed', () => {
    const { model, launcherCards, cards, names } = setup();
    model.applySnapshot([
      resource(saturnJob(id(2), 'train-model')),
      resource(saturnJob(id(3), 'nightly-report'))
    ]);
    model.applyRemoved(`saturn/job/${id(3)}`);
    expect(names()).toEqual(['train-model']);
    launcherCards.dispose();
    expect(cards).toHaveLength(0);
    model.applyResource(resource(saturnJob(id(7), 'after-dispose')));
    expect(cards).toHaveLength(0);
  });

  it('does not re-add cards on changes that keep the same jobs', () => {
    const added = jest.fn();
    const model = new ResourceModel();
    const launcher: ILauncher = {
      add: options => {
        added(options);
        return new DisposableDelegate(() => undefined);
      }
    };
    new JobLauncherCards({ launcher, model, command: 'x', trans });
    model.applySnapshot([resource(saturnJob(id(2), 'train-model'))]);
    model.applyResource(
      resource(
        saturnJob(id(2), 'train-model', [
          { name: 'r1', status: 'running', started: null }
        ])
      )
    );
    model.filter = 'anything';
    expect(added).toHaveBeenCalledTimes(1);
  });
});
