/**
 * Everything about Saturn job runs: the commands, notebook jobs, log tabs,
 * the watcher and toasts of finished runs, launcher cards.
 */
export * from './commands';
export * from './launcher';
export * from './logFollower';
export * from './logTabs';
export * from './logsWidget';
export * from './notebookJob';
export * from './parameters';
export * from './runNotifier';
export * from './runWatcher';
