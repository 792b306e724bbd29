import type { JupyterFrontEnd } from '@jupyterlab/application';

import { normalizeResource } from '../api';
import { argKey, openInNewTab, sendAndApply } from '../commands/kit';
import { ResourceModel } from '../model';
import { config, hubServer, resource, saturnJob } from './fixtures';

const JOB = 'bb5fed2f9b12456699cade80c816dabf';

describe('argKey', () => {
  const model = new ResourceModel();
  model.applyBackends(config());
  model.applySnapshot([resource(saturnJob(JOB, 'train-model', []))]);
  const row = document.createElement('li');
  row.className = 'jp-SaturnPanel-row';
  row.dataset.key = 'hub/alice/dev';
  const app = {
    contextMenuHitTest: (test: (node: HTMLElement) => boolean) =>
      test(row) ? row : undefined
  } as unknown as JupyterFrontEnd;

  it('takes the key, then the job name when asked, then the row', () => {
    expect(argKey(app, model, { key: 'hub/bob/' })).toBe('hub/bob/');
    expect(argKey(app, model, { name: 'train-model' })).toBeNull();
    expect(argKey(app, model, { name: 'train-model' }, true)).toBe(
      `saturn/job/${JOB}`
    );
    expect(argKey(app, model, { name: 'nope' }, true)).toBeNull();
    expect(argKey(app, model, { contextMenu: true })).toBe('hub/alice/dev');
    expect(argKey(app, model, {})).toBeNull();
  });
});

describe('sendAndApply', () => {
  it('marks the resource busy while the request runs and applies its answer', async () => {
    const model = new ResourceModel();
    model.applySnapshot([resource(hubServer('alice', 'dev'))]);
    const answer = resource(hubServer('alice', 'dev', { status: 'pending' }));
    let busyDuring = false;
    const result = await sendAndApply(model, 'hub/alice/dev', async () => {
      busyDuring = model.isBusy('hub/alice/dev');
      return answer;
    });
    expect(busyDuring).toBe(true);
    expect(model.isBusy('hub/alice/dev')).toBe(false);
    expect(result).toBe(answer);
    expect(model.get('hub/alice/dev')?.status).toBe('pending');
  });

  it('keeps a newer event and ignores an answer for another key', async () => {
    const model = new ResourceModel();
    model.applySnapshot([resource(hubServer('alice', 'dev'))]);
    await sendAndApply(model, 'hub/alice/dev', async () => {
      model.applyResource(
        resource(hubServer('alice', 'dev', { status: 'running' }))
      );
      return resource(hubServer('alice', 'dev', { status: 'pending' }));
    });
    expect(model.get('hub/alice/dev')?.status).toBe('running');
    await sendAndApply(model, 'hub/alice/dev', async () =>
      normalizeResource(hubServer('alice', 'other', { status: 'pending' }))
    );
    expect(model.get('hub/alice/other')).toBeUndefined();
  });

  it('clears busy after a failure, and may leave busy alone', async () => {
    const model = new ResourceModel();
    await expect(
      sendAndApply(model, 'hub/alice/x', async () => {
        throw new Error('refused');
      })
    ).rejects.toThrow('refused');
    expect(model.isBusy('hub/alice/x')).toBe(false);
    let busyDuring = true;
    await sendAndApply(
      model,
      'hub/alice/x',
      async () => {
        busyDuring = model.isBusy('hub/alice/x');
        return null;
      },
      false
    );
    expect(busyDuring).toBe(false);
  });
});

describe('openInNewTab', () => {
  it('opens a detached tab, and says when the popup was blocked', () => {
    const tab = { opener: {} as unknown };
    const open = jest
      .spyOn(window, 'open')
      .mockImplementation(() => tab as unknown as Window);
    expect(openInNewTab('http://example.org/')).toBe(true);
    expect(open).toHaveBeenCalledWith('http://example.org/', '_blank');
    expect(tab.opener).toBeNull();
    open.mockImplementation(() => null);
    expect(openInNewTab('http://example.org/')).toBe(false);
    open.mockRestore();
  });
});
