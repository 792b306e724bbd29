/**
 * Opening (or revealing) the main-area tab of a run's logs.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { fetchRunLogs, jobIdFromKey } from '../api';
import type { ResourceModel } from '../model';
import { RunLogsWidget } from './logsWidget';

/**
 * Open (or reveal) the logs tab of a run.
 *
 * @param activate - whether to bring the tab to the front (default true)
 * @returns the tab, or null when the key is not a job's
 */
export type OpenLogs = (
  key: string,
  run: string,
  activate?: boolean
) => Promise<RunLogsWidget | null>;

/**
 * What opening log tabs needs.
 */
export interface ILogTabsOptions {
  app: JupyterFrontEnd;
  model: ResourceModel;
  trans: TranslationBundle;
  /**
   * The tracker of the run-log tabs (restored by the layout restorer).
   */
  tracker: WidgetTracker<RunLogsWidget>;
  /**
   * Milliseconds between log fetches while a run is going (default 2000).
   */
  logsInterval?: number;
}

/**
 * The function that opens log tabs.
 */
export function logTabOpener(options: ILogTabsOptions): OpenLogs {
  const { app, model, trans, tracker } = options;
  return async (key, run, activate = true) => {
    const id = jobIdFromKey(key);
    if (id === null) {
      return null;
    }
    const existing = tracker.find(w => w.key === key && w.run === run);
    if (existing) {
      if (activate) {
        app.shell.activateById(existing.id);
      }
      return existing;
    }
    const widget = new RunLogsWidget({
      key,
      jobId: id,
      run,
      fetch: since => fetchRunLogs(id, run, since),
      interval: options.logsInterval,
      commands: app.commands,
      model,
      trans
    });
    await tracker.add(widget);
    app.shell.add(widget, 'main', { activate });
    if (activate) {
      app.shell.activateById(widget.id);
    }
    return widget;
  };
}
