/**
 * Everything about Saturn job runs: the commands, notebook jobs, log tabs,
 * the watcher and toasts of finished runs, launcher cards.
 */
export * from './commands';
export * from './cron';
export * from './gpuConfirm';
export * from './launcher';
export * from './logFollower';
export * from './logTabs';
export * from './logsWidget';
export * from './names';
export * from './notebookJob';
export * from './outputCommand';
export * from './parameters';
export * from './runClock';
export * from './runNotifier';
export * from './runWatcher';
export * from './scheduleCommands';
