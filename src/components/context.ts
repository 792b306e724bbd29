/**
 * What every component of the panel needs.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';

import type { HubSearch } from '../hubSearch';
import type { ResourceModel } from '../model';

/**
 * The shared dependencies of the panel's React components.
 */
export interface IPanelContext {
  /**
   * The single source of truth.
   */
  readonly model: ResourceModel;
  /**
   * The application commands; every button runs one.
   */
  readonly commands: CommandRegistry;
  /**
   * The extension's translation bundle.
   */
  readonly trans: TranslationBundle;
  /**
   * The search of the hub's other users (found by the filter).
   */
  readonly hubSearch?: HubSearch;
}
