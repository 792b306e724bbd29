/**
 * The panel's dialogs: the form framework and one file per dialog.
 */
export * from './confirmDelete';
export * from './form';
export * from './newServer';
export * from './notebookJob';
export * from './pickResource';
export * from './recipe';
export * from './schedule';
export * from './startOptions';
