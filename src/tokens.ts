/**
 * What the parts of the extension share: plugin and command ids, the token
 * the main plugin provides, and the types of the user settings
 * (schema/plugin.json, schema/jobs.json).
 */
import { Token } from '@lumino/coreutils';

import type { NotebookJobSource } from './api';
import type { SaturnPanel } from './components/panel';
import type { ResourceModel } from './model';

/**
 * The id of the main plugin (and of its settings schema).
 */
export const PLUGIN_ID = 'jupyterlab-saturn-panel:plugin';

/**
 * The id of the jobs plugin (Saturn job runs: commands, log tabs, launcher
 * cards, notebook toolbar buttons; its settings are schema/jobs.json). It can
 * be turned off alone: `"disabledExtensions": {"jupyterlab-saturn-panel:jobs": true}`.
 */
export const JOBS_PLUGIN_ID = 'jupyterlab-saturn-panel:jobs';

/**
 * What the main plugin gives the other parts: the resource model, the
 * sidebar panel, and a way to show it.
 */
export interface ISaturnPanelShell {
  /**
   * Every resource the panel shows, kept live.
   */
  readonly model: ResourceModel;
  /**
   * The sidebar panel.
   */
  readonly panel: SaturnPanel;
  /**
   * Show the panel (without moving the focus into it).
   */
  openPanel(): void;
}

/**
 * The token of the main plugin's `ISaturnPanelShell`.
 */
export const ISaturnPanelShell = new Token<ISaturnPanelShell>(
  'jupyterlab-saturn-panel:ISaturnPanelShell',
  'The Saturn panel: its resource model and its sidebar widget.'
);

/**
 * The translation domain of every text.
 */
export const TRANSLATION_DOMAIN = 'jupyterlab_saturn_panel';

/**
 * The id of the panel's DOM node (a stable hook for browser tests).
 */
export const PANEL_ID = 'saturn-panel';

/**
 * The command ids.
 */
export namespace CommandIDs {
  /**
   * Show the panel. No args.
   */
  export const openPanel = 'saturn-panel:open-panel';
  /**
   * Re-read the configuration and reconnect the live updates. No args.
   */
  export const refresh = 'saturn-panel:refresh';
  /**
   * Start a resource. Args `{key?: string, userOptions?: object}` (a hub
   * server's spawner `user_options`); asks which one without `key`.
   */
  export const start = 'saturn-panel:start';
  /**
   * Start a stopped hub server with the hub's options chosen in a form (or
   * open the hub's start page when none are configured). Args `{key?}`.
   */
  export const startWithOptions = 'saturn-panel:start-with-options';
  /**
   * Stop a resource. Args `{key?: string}`.
   */
  export const stop = 'saturn-panel:stop';
  /**
   * Open a running resource in a new browser tab. Args `{key?: string}`.
   */
  export const open = 'saturn-panel:open';
  /**
   * Restart a running (or failed) Saturn deployment. Args `{key?: string}`.
   */
  export const restart = 'saturn-panel:restart';
  /**
   * Open the live logs of a running Saturn deployment in a main-area tab.
   * Args `{key?: string}`.
   */
  export const openDeploymentLogs = 'saturn-panel:open-deployment-logs';
  /**
   * Delete a stopped named hub server. Args `{key?: string}`.
   */
  export const remove = 'saturn-panel:delete';
  /**
   * Create and start a named hub server. Args
   * `{name?: string, displayName?: string, user?: string}`; without a valid
   * `name`, a dialog asks.
   */
  export const createServer = 'saturn-panel:create-server';
  /**
   * Create a Saturn resource from a recipe. Args `{path?: string}` (a `.json`
   * file to load); always shows the dialog.
   */
  export const createFromRecipe = 'saturn-panel:create-from-recipe';
  /**
   * Start a run of a Saturn job. Args `{key?: string, name?: string}` (the
   * job's resource key or name); asks which job without either. From a
   * launcher card (`isLauncher: true`), also reveals the panel and opens the
   * new run's logs.
   */
  export const runJob = 'saturn-panel:run-job';
  /**
   * Stop one run of a job. Args `{key: string, run?: string}`; without `run`,
   * the job's newest run that is still going.
   */
  export const stopRun = 'saturn-panel:stop-run';
  /**
   * Open a run's logs in a main-area tab. Args `{key: string, run?: string}`;
   * without `run`, the job's newest run.
   */
  export const openLogs = 'saturn-panel:open-logs';
  /**
   * Run a notebook as a Saturn job with papermill. Args `{path?: string}`;
   * without it, the notebook selected in the file browser (from its context
   * menu) or the current notebook.
   */
  export const runNotebook = 'saturn-panel:run-notebook';
  /**
   * Save a finished notebook run's executed notebook and open it (a failed
   * run's at the cell that raised). Args `{key: string, run?: string}`;
   * without `run`, the job's newest finished run.
   */
  export const openOutput = 'saturn-panel:open-output';
  /**
   * Put a notebook's job on a cron schedule (a dialog asks when). Args
   * `{path?: string}`, as `runNotebook`.
   */
  export const scheduleNotebook = 'saturn-panel:schedule-notebook';
  /**
   * Change a job's schedule (the schedule dialog, prefilled). Args `{key}`.
   */
  export const editSchedule = 'saturn-panel:edit-schedule';
  /**
   * Pause a job's schedule. Args `{key}`.
   */
  export const pauseSchedule = 'saturn-panel:pause-schedule';
  /**
   * Resume a job's paused schedule. Args `{key}`.
   */
  export const resumeSchedule = 'saturn-panel:resume-schedule';
}

/**
 * The user preferences the notifier follows.
 */
export interface INotifierSettings {
  /**
   * Show a toast while a start runs and when it completes; failures are
   * always shown.
   */
  notifyOnStartComplete: boolean;
  /**
   * Open a new tab when a start requested from this tab completes.
   */
  openOnReady: boolean;
}

/**
 * The user settings the job commands follow.
 */
export interface IJobSettings {
  /**
   * Ask for papermill parameters before running a notebook.
   */
  askForParameters: boolean;
  /**
   * How the job gets the notebook: inside the recipe, or from git.
   */
  jobSource: NotebookJobSource;
  /**
   * For the `git` source: the repository URL, branch/tag/commit, and the
   * notebook's folder inside the repository.
   */
  gitRepository: string;
  gitReference: string;
  gitDirectory: string;
  /**
   * The image (`owner/name:version`); empty for the server's default.
   */
  jobImage: string;
  /**
   * The Saturn size name; empty for the server's default.
   */
  jobInstanceType: string;
  /**
   * Where executed notebooks are saved (a folder relative to the Jupyter
   * root); empty: beside the source notebook.
   */
  outputFolder: string;
  /**
   * Ask before running a job whose size has a GPU.
   */
  confirmGpuRuns: boolean;
}

/**
 * The job settings' defaults (those of schema/jobs.json).
 */
export const DEFAULT_JOB_SETTINGS: IJobSettings = {
  askForParameters: true,
  jobSource: 'recipe',
  gitRepository: '',
  gitReference: '',
  gitDirectory: '',
  jobImage: '',
  jobInstanceType: '',
  outputFolder: '',
  confirmGpuRuns: true
};
