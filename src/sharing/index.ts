/**
 * Sharing hub servers (issue 20): JupyterHub 5+ shares and share links.
 */
export * from './api';
export * from './commands';
export * from './components';
export * from './dialogs';
export * from './store';
