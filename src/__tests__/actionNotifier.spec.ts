import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import { ResourceModel } from '../model';
import {
  ACTION_AUTO_CLOSE,
  ActionNotifier,
  finalAutoClose,
  SUCCESS_AUTO_CLOSE
} from '../commands/actionNotifier';
import { config, hubServer, resource } from './fixtures';

const KEY = 'hub/alice/dev';
const URL = 'http://127.0.0.1:8000/user/alice/dev/';

function setup(settings: Partial<ActionNotifier['settings']> = {}) {
  const model = new ResourceModel();
  model.applyBackends(config());
  model.applySnapshot([resource(hubServer('alice', 'dev'))]);
  const opened: string[] = [];
  const openedInTab: string[] = [];
  let allowPopups = true;
  const notifier = new ActionNotifier({
    model,
    translator: nullTranslator,
    onOpen: key => opened.push(key),
    openInNewTab: url => {
      openedInTab.push(url);
      return allowPopups;
    }
  });
  notifier.settings = { ...notifier.settings, ...settings };
  const update = (extra: { [key: string]: unknown }) =>
    model.applyResource(resource(hubServer('alice', 'dev', extra)));
  return {
    model,
    notifier,
    opened,
    openedInTab,
    update,
    blockPopups: () => {
      allowPopups = false;
    }
  };
}

function toasts() {
  return Notification.manager.notifications;
}

describe('ActionNotifier', () => {
  afterEach(() => {
    Notification.dismiss();
  });

  it('follows a start: in-progress toast with progress, then success with an Open action', () => {
    const { notifier, update, opened } = setup();
    notifier.track(KEY, 'start');
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].type).toBe('in-progress');
    expect(toasts()[0].message).toBe("Starting alice's server dev…");
    expect(toasts()[0].options.progress).toBe(0);

    update({
      status: 'pending',
      progress: 40,
      message: 'Fake step 2/4',
      actions: ['stop']
    });
    notifier.accepted(KEY);
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].type).toBe('in-progress');
    expect(toasts()[0].options.progress).toBeCloseTo(0.4);
    expect(toasts()[0].message).toBe(
      "Starting alice's server dev… Fake step 2/4"
    );

    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].type).toBe('success');
    expect(toasts()[0].message).toBe("alice's server dev is ready.");
    const actions = toasts()[0].options.actions ?? [];
    expect(actions.map(a => a.label)).toEqual(['Open']);
    actions[0].callback(new MouseEvent('click'));
    expect(opened).toEqual([KEY]);
    expect(notifier.tracked).toEqual([]);
  });

  it('marks an estimated progress as such', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    update({
      status: 'pending',
      progress: 40,
      progressEstimated: true,
      message: 'Booting'
    });
    expect(toasts()[0].message).toBe(
      "Starting alice's server dev (~40%, estimate)… Booting"
    );
  });

  it('does not take the stale "stopped" state before the start for a failure', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    notifier.accepted(KEY);
    update({ lastActivity: '2026-11-21T23:00:00Z' });
    expect(toasts()[0].type).toBe('in-progress');
    update({ status: 'pending', progress: 10 });
    update({ status: 'stopped', message: 'Spawn failed: Timeout' });
    expect(toasts()[0].type).toBe('error');
    expect(toasts()[0].message).toBe(
      "Could not start alice's server dev: Spawn failed: Timeout"
    );
  });

  it('reports an error status with its message', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    update({ status: 'pending', progress: 10 });
    update({ status: 'error', message: 'Spawn failed: image not found' });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].type).toBe('error');
    expect(toasts()[0].message).toBe(
      "Could not start alice's server dev: Spawn failed: image not found"
    );
  });

  it('reports a refused request', () => {
    const { notifier } = setup();
    notifier.track(KEY, 'start');
    notifier.failed(KEY, 'requires any of [start:servers]');
    expect(toasts()[0].type).toBe('error');
    expect(toasts()[0].message).toBe(
      "Could not start alice's server dev: requires any of [start:servers]"
    );
    expect(notifier.tracked).toEqual([]);
  });

  it('shows no start toast when notifyOnStartComplete is off, but still reports failures', () => {
    const { notifier, update } = setup({ notifyOnStartComplete: false });
    notifier.track(KEY, 'start');
    update({ status: 'pending', progress: 10 });
    expect(toasts()).toHaveLength(0);
    update({ status: 'running', url: URL, actions: ['open'] });
    expect(toasts()).toHaveLength(0);
    expect(notifier.tracked).toEqual([]);

    notifier.track(KEY, 'start');
    notifier.failed(KEY, 'boom');
    expect(toasts().map(t => t.type)).toEqual(['error']);
  });

  it('opens the new tab itself with openOnReady', () => {
    const { notifier, update, openedInTab } = setup({ openOnReady: true });
    notifier.track(KEY, 'start');
    update({ status: 'pending', progress: 90 });
    update({ status: 'running', url: URL, actions: ['open'] });
    expect(openedInTab).toEqual([URL]);
    expect(toasts()[0].message).toBe(
      "alice's server dev is ready and was opened in a new tab."
    );
    expect(toasts()[0].options.actions ?? []).toEqual([]);
  });

  it('falls back to an Open action when the browser blocks the tab', () => {
    const { notifier, update, blockPopups } = setup({ openOnReady: true });
    blockPopups();
    notifier.track(KEY, 'start');
    update({ status: 'pending', progress: 90 });
    update({ status: 'running', url: URL, actions: ['open'] });
    expect(toasts()[0].message).toBe("alice's server dev is ready.");
    expect((toasts()[0].options.actions ?? []).map(a => a.label)).toEqual([
      'Open'
    ]);
  });

  it('follows a stop until the server says it is stopped', () => {
    const { notifier, update } = setup();
    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    notifier.track(KEY, 'stop');
    update({ status: 'stopping', actions: [] });
    notifier.accepted(KEY);
    expect(toasts()[0].type).toBe('in-progress');
    expect(toasts()[0].message).toBe("Stopping alice's server dev…");
    update({ status: 'stopped' });
    expect(toasts()[0].type).toBe('success');
    expect(toasts()[0].message).toBe("alice's server dev stopped.");
  });

  it('reports a deletion whose removal arrived before the answer', () => {
    const { model, notifier } = setup();
    notifier.track(KEY, 'delete');
    model.applyRemoved(KEY);
    expect(toasts()[0].type).toBe('in-progress');
    notifier.accepted(KEY);
    expect(toasts()[0].type).toBe('success');
    expect(toasts()[0].message).toBe("alice's server dev was deleted.");
  });

  it('updates a "ready" toast whose server has stopped since: no Open action left', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    notifier.accepted(KEY);
    update({ status: 'pending', progress: 50 });
    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    expect(toasts()[0].message).toBe("alice's server dev is ready.");
    const id = toasts()[0].id;
    // Stopped elsewhere (another tab, the hub's culler).
    update({ status: 'stopped', url: null, actions: ['start'] });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].id).toBe(id);
    expect(toasts()[0].type).toBe('info');
    expect(toasts()[0].message).toBe(
      "alice's server dev is no longer running."
    );
    expect(toasts()[0].options.actions ?? []).toEqual([]);
    expect(toasts()[0].options.autoClose).toBe(5000);
    // Only once: later changes do not touch it again.
    update({ status: 'pending', progress: 10 });
    expect(toasts()[0].message).toBe(
      "alice's server dev is no longer running."
    );
  });

  it('gives one notification per action, not one per state change', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    notifier.accepted(KEY);
    for (const progress of [10, 30, 60, 90]) {
      update({ status: 'pending', progress });
    }
    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    expect(toasts()).toHaveLength(1);
    // The next action on the server replaces the last outcome's toast.
    notifier.track(KEY, 'stop');
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].message).toBe("Stopping alice's server dev…");
    notifier.accepted(KEY);
    update({ status: 'stopping', url: null, actions: [] });
    update({ status: 'stopped', url: null, actions: ['start'] });
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].message).toBe("alice's server dev stopped.");
  });
  it('closes success toasts by themselves, as JupyterLab does; errors stay', () => {
    const { notifier, update } = setup();
    notifier.track(KEY, 'start');
    expect(toasts()[0].options.autoClose).toBe(false);
    notifier.accepted(KEY);
    update({ status: 'pending', progress: 50 });
    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    // "ready — Open": long enough to reach Open, then in the center only.
    expect(toasts()[0].options.autoClose).toBe(ACTION_AUTO_CLOSE);
    notifier.track(KEY, 'stop');
    notifier.accepted(KEY);
    update({ status: 'stopping', url: null, actions: [] });
    update({ status: 'stopped', url: null, actions: ['start'] });
    expect(toasts()[0].options.autoClose).toBe(SUCCESS_AUTO_CLOSE);
    notifier.track(KEY, 'start');
    notifier.failed(KEY, 'boom');
    expect(toasts()[0].type).toBe('error');
    expect(toasts()[0].options.autoClose).toBe(false);
    expect(finalAutoClose('success')).toBe(5000);
    expect(finalAutoClose('warning')).toBe(false);
  });

  it('removes the Open action of a "ready" toast when the hub stops answering', () => {
    const { model, notifier, update } = setup();
    notifier.track(KEY, 'start');
    notifier.accepted(KEY);
    update({ status: 'pending', progress: 50 });
    update({ status: 'running', url: URL, actions: ['stop', 'open'] });
    const id = toasts()[0].id;
    expect((toasts()[0].options.actions ?? []).map(a => a.label)).toEqual([
      'Open'
    ]);
    // The hub goes down: the row is its last known state, still "running".
    model.applyBackends(config({ hub: { reachable: false, stale: true } }));
    expect(toasts()).toHaveLength(1);
    expect(toasts()[0].id).toBe(id);
    expect(toasts()[0].type).toBe('info');
    expect(toasts()[0].options.actions ?? []).toEqual([]);
    expect(toasts()[0].message).toMatch(
      /^alice's server dev cannot be opened now\. JupyterHub/
    );
  });

  it('updates a "ready" toast that already closed in the center only', () => {
    const { model, notifier, update } = setup();
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      notifier.track(KEY, 'start');
      notifier.accepted(KEY);
      update({ status: 'pending', progress: 50 });
      update({ status: 'running', url: URL, actions: ['stop', 'open'] });
      now.mockReturnValue(1_000_000 + ACTION_AUTO_CLOSE + 1);
      model.applyRemoved(KEY);
      expect(toasts()[0].message).toBe(
        "alice's server dev is no longer listed."
      );
      expect(toasts()[0].options.actions ?? []).toEqual([]);
      // autoClose 0: changed in the notification center, not shown again.
      expect(toasts()[0].options.autoClose).toBe(0);
    } finally {
      now.mockRestore();
    }
  });
});
