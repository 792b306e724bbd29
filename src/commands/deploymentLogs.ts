/**
 * The main-area tab of a running Saturn deployment's live logs: the job run
 * logs' view and follower (`RunLogsView`, `LogFollower`) fed by
 * `GET saturn/deployments/{id}/logs`.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  fetchDeploymentLogs,
  IResource,
  IRunLogs,
  resourceLabel
} from '../api';
import { saturnPanelIcon } from '../icons';
import { LogFollower } from '../jobs/logFollower';
import { RunLogsView } from '../jobs/logsWidget';

/**
 * The tab of one deployment's logs (class `jp-SaturnPanel-deploymentLogs`).
 */
export class DeploymentLogsWidget extends MainAreaWidget<RunLogsView> {
  /**
   * Create the tab; it starts following when attached.
   */
  constructor(options: DeploymentLogsWidget.IOptions) {
    const { resource, trans } = options;
    const follower = new LogFollower({
      fetch:
        options.fetch ?? (since => fetchDeploymentLogs(resource.id, since)),
      interval: options.interval
    });
    const content = new RunLogsView({ follower, trans });
    content.node.setAttribute(
      'aria-label',
      trans.__('Logs of %1', resourceLabel(resource, trans))
    );
    super({ content });
    this.key = resource.key;
    this.id = DeploymentLogsWidget.widgetId(resource.id);
    this.addClass('jp-SaturnPanel-logs');
    this.addClass('jp-SaturnPanel-deploymentLogs');
    this.title.icon = saturnPanelIcon;
    this.title.closable = true;
    this.title.label = trans.__('Logs: %1', resourceLabel(resource, trans));
    this.title.caption = trans.__(
      'Live logs of the Saturn Cloud deployment %1',
      resourceLabel(resource, trans)
    );
    this._follower = follower;
  }

  /**
   * The deployment's resource key.
   */
  readonly key: string;

  /**
   * The follower reading the logs.
   */
  get follower(): LogFollower {
    return this._follower;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._follower.dispose();
    super.dispose();
  }

  private _follower: LogFollower;
}

/**
 * The namespace for `DeploymentLogsWidget` statics.
 */
export namespace DeploymentLogsWidget {
  /**
   * Options to create the tab.
   */
  export interface IOptions {
    resource: IResource;
    trans: TranslationBundle;
    /**
     * Read the logs from line `since` on (default: the panel's route).
     */
    fetch?: (since: number) => Promise<IRunLogs>;
    /**
     * Milliseconds between reads (default 2000; the server reads Saturn at
     * most once per 10 s per deployment whatever this is).
     */
    interval?: number;
  }

  /**
   * The DOM id of a deployment's logs tab.
   */
  export function widgetId(id: string): string {
    return `saturn-panel-deployment-logs-${id}`;
  }
}

/**
 * Open (or reveal) the logs tab of a deployment.
 */
export function openDeploymentLogs(
  app: JupyterFrontEnd,
  resource: IResource,
  trans: TranslationBundle
): DeploymentLogsWidget {
  const id = DeploymentLogsWidget.widgetId(resource.id);
  for (const widget of app.shell.widgets('main')) {
    if (widget.id === id && widget instanceof DeploymentLogsWidget) {
      app.shell.activateById(id);
      return widget;
    }
  }
  const widget = new DeploymentLogsWidget({ resource, trans });
  app.shell.add(widget, 'main', { activate: true });
  app.shell.activateById(widget.id);
  return widget;
}
