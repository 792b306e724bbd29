/**
 * The left-sidebar panel: a header (extension and connection state, filter)
 * and accordion sections: JupyterHub servers, Saturn workspaces, Saturn
 * deployments, Saturn jobs.
 */
import type { IStateDB } from '@jupyterlab/statedb';
import type { ITranslator } from '@jupyterlab/translation';
import {
  CommandToolbarButton,
  PanelWithToolbar,
  ReactWidget,
  SidePanel
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { ReadonlyJSONValue } from '@lumino/coreutils';
import type { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { AccordionPanel, Widget } from '@lumino/widgets';
import * as React from 'react';

import { saturnPanelIcon } from '../icons';
import type { ResourceModel } from '../model';
import { CommandIDs, PANEL_ID, TRANSLATION_DOMAIN } from '../tokens';
import type { IPanelContext } from './context';
import { PanelHeader } from './PanelHeader';
import { forgetRowFocus, onPanelKeyDown } from './rowFocus';
import { HubSearch } from '../hubSearch';
import { SectionBodyWidget, SectionKind } from './SectionBody';

/**
 * Where the sections' state is kept in the state database.
 */
const SECTIONS_STATE_KEY = 'jupyterlab-saturn-panel:sections';

/**
 * Scroll a resource's row into view, once the panel is laid out.
 */
export function revealRow(key: string): void {
  requestAnimationFrame(() => {
    const row = document.querySelector(
      `.jp-SaturnPanel-row[data-key="${CSS.escape(key)}"]`
    );
    row?.scrollIntoView?.({ block: 'nearest' }); // absent in jsdom
  });
}

/**
 * The sidebar panel.
 */
export class SaturnPanel extends SidePanel {
  /**
   * Create the panel.
   */
  constructor(options: SaturnPanel.IOptions) {
    super({ translator: options.translator });
    const trans = options.translator.load(TRANSLATION_DOMAIN);
    this._hubSearch = new HubSearch({ model: options.model, trans });
    this._model = options.model;
    this._shell = options.shell ?? null;
    const context: IPanelContext = {
      model: options.model,
      commands: options.commands,
      trans,
      hubSearch: this._hubSearch
    };
    this.id = PANEL_ID;
    this.addClass('jp-SaturnPanel');
    this.title.icon = saturnPanelIcon;
    this.title.caption = trans.__('Saturn Cloud and JupyterHub servers');
    this.node.setAttribute('aria-label', trans.__('Saturn Panel'));

    const header = ReactWidget.create(<PanelHeader context={context} />);
    header.addClass('jp-SaturnPanel-headerWidget');
    this.header.addWidget(header);

    // One notice per backend: in the first of its sections that is shown
    // and expanded (the Saturn Cloud notice is not repeated over the jobs).
    const holdsNotice = (section: SectionKind) => () =>
      this._noticeSection(section === 'hub' ? 'hub' : 'saturn') === section;
    const hub = Private.createSection(
      context,
      'hub',
      trans.__('JupyterHub'),
      holdsNotice('hub')
    );
    hub.toolbar.addItem(
      'create-server',
      new CommandToolbarButton({
        commands: options.commands,
        id: CommandIDs.createServer,
        label: ''
      })
    );
    const saturn = Private.createSection(
      context,
      'saturn',
      trans.__('Saturn Cloud'),
      holdsNotice('saturn')
    );
    saturn.toolbar.addItem(
      'create-from-recipe',
      new CommandToolbarButton({
        commands: options.commands,
        id: CommandIDs.createFromRecipe,
        label: ''
      })
    );
    const deployments = Private.createSection(
      context,
      'deployments',
      trans.__('Saturn Deployments'),
      holdsNotice('deployments')
    );
    const jobs = Private.createSection(
      context,
      'jobs',
      trans.__('Saturn Jobs'),
      holdsNotice('jobs')
    );
    this._sections = { hub, saturn, deployments, jobs };
    this._order = ['hub', 'saturn', 'deployments', 'jobs'];
    this.addWidget(hub);
    this.addWidget(saturn);
    this.addWidget(deployments);
    this.addWidget(jobs);
    this._applyDefaultSizes();
    const accordion = this.content;
    if (accordion instanceof AccordionPanel) {
      // A section collapsed or expanded: the notice may move.
      accordion.expansionToggled.connect(this._updateSections, this);
    }
    if (options.state) {
      void this._rememberSections(options.state);
    }
  }

  /**
   * Show or hide a section (user settings `showHubSection`,
   * `showSaturnSection` (workspaces and deployments), `showJobsSection`). A hidden section is removed from the panel, title
   * included.
   */
  setSectionVisible(section: SectionKind, visible: boolean): void {
    const widget = this._sections[section];
    const shown = widget.parent === this.content;
    if (visible === shown) {
      return;
    }
    if (!visible) {
      widget.parent = null;
      this._updateSections();
      return;
    }
    // Insert at its place among the sections currently shown.
    const index = this._order
      .slice(0, this._order.indexOf(section))
      .filter(s => this._sections[s].parent === this.content).length;
    this.insertWidget(index, widget);
    // The accordion appends the new nodes at the end; keep the DOM (and so
    // the keyboard order) the same as the visual order.
    const content = this.content;
    if (content instanceof AccordionPanel) {
      content.widgets.forEach((w, i) => {
        content.node.appendChild(content.titles[i]);
        content.node.appendChild(w.node);
      });
    }
    this._applyDefaultSizes();
    this._updateSections();
  }

  /**
   * Whether a section is shown.
   */
  isSectionVisible(section: SectionKind): boolean {
    return this._sections[section].parent === this.content;
  }

  /**
   * Dispose of the panel and its search.
   */
  dispose(): void {
    this._hubSearch.dispose();
    super.dispose();
  }

  /**
   * Put the focus in the filter, as JupyterLab's file browser focuses its
   * listing: *Show Saturn Panel* (palette, keyboard shortcut) calls it. A
   * panel revealed by another action (a job run shows its row) leaves the
   * focus where the user works.
   */
  focusFilter(): void {
    // The header renders once shown: a panel opened for the first time may
    // get its filter a frame or two later.
    let tries = 3;
    const focus = () => {
      if (this.isDisposed || this.node.contains(document.activeElement)) {
        return;
      }
      const filter = this.node.querySelector<HTMLInputElement>(
        '.jp-SaturnPanel-filter input'
      );
      if (filter) {
        filter.focus();
      } else if (--tries > 0) {
        requestAnimationFrame(focus);
      }
    };
    focus();
  }

  /**
   * Emitted with `true` when the panel is shown in the sidebar, `false` when
   * it is hidden (another sidebar panel chosen, the sidebar collapsed).
   */
  get visibilityChanged(): ISignal<this, boolean> {
    return this._visibilityChanged;
  }

  /**
   * Give the focus back to where it was before the panel took it (Escape):
   * the element that had it when it is still there, else the main area's
   * current widget (a notebook, a console), as JupyterLab's shell knows it.
   * Returns whether the focus went somewhere.
   */
  returnFocus(): boolean {
    const before = this._focusBefore;
    this._focusBefore = null;
    if (
      before &&
      before.isConnected &&
      !this.node.contains(before) &&
      before !== document.body
    ) {
      before.focus();
      if (document.activeElement === before) {
        return true;
      }
    }
    const current = this._shell?.currentWidget;
    if (this._shell && current && !current.isDisposed) {
      this._shell.activateById(current.id); // focuses it (a posted message)
      return true;
    }
    return false;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.node.addEventListener('focusout', this._onFocusOut);
    document.addEventListener('focusin', this._onFocusIn, true);
    // Titles: before the accordion's own listener, which only moves between
    // titles; rows, the filter and Escape: after the rows' own handlers.
    this.node.addEventListener('keydown', this._onKeyDownCapture, true);
    this.node.addEventListener('keydown', this._onKeyDown);
    if (this.isVisible) {
      this._visibilityChanged.emit(true);
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._visibilityChanged.emit(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._visibilityChanged.emit(false);
  }

  protected onBeforeDetach(msg: Message): void {
    this.node.removeEventListener('focusout', this._onFocusOut);
    document.removeEventListener('focusin', this._onFocusIn, true);
    this.node.removeEventListener('keydown', this._onKeyDownCapture, true);
    this.node.removeEventListener('keydown', this._onKeyDown);
    this._visibilityChanged.emit(false);
    super.onBeforeDetach(msg);
  }

  /**
   * The focus went elsewhere in JupyterLab: a row that changes later must
   * not take it back.
   */
  private _onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget as Node | null;
    if (next && !this.node.contains(next)) {
      forgetRowFocus();
    }
  };

  /**
   * The focus went to an element outside the panel: the last one is where
   * Escape in the panel gives it back.
   */
  private _onFocusIn = (event: FocusEvent): void => {
    const target = event.target as HTMLElement | null;
    if (
      target instanceof HTMLElement &&
      target !== document.body &&
      !this.node.contains(target)
    ) {
      this._focusBefore = target;
    }
  };

  /**
   * Keys on section titles, before the accordion handles them.
   */
  private _onKeyDownCapture = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement | null;
    if (!target?.closest('.lm-AccordionPanel-title')) {
      return;
    }
    if (onPanelKeyDown(this.node, event)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  /**
   * Keys in the panel: the filter, the rows, Escape.
   */
  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented) {
      return;
    }
    const target = event.target as HTMLElement | null;
    if (
      event.key === 'Escape' &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.shiftKey
    ) {
      // In a filter that holds text, Escape empties it first.
      if (
        target?.closest('.jp-SaturnPanel-filter') &&
        this._model.filter !== ''
      ) {
        this._model.filter = '';
        event.preventDefault();
        return;
      }
      if (this.returnFocus()) {
        event.preventDefault();
      }
      return;
    }
    if (target?.closest('.lm-AccordionPanel-title')) {
      return; // handled in the capture phase
    }
    if (onPanelKeyDown(this.node, event)) {
      event.preventDefault();
    }
  };

  /**
   * Re-render the sections' bodies (the section that holds a backend's
   * notice may have changed).
   */
  private _updateSections(): void {
    for (const section of this._order) {
      this._sections[section].widgets.forEach(w => w.update());
    }
  }

  /**
   * Share the height among the shown sections by `Private.DEFAULT_WEIGHTS`
   * (the workspaces more, the deployments less), until sizes are restored or
   * the user changes them.
   */
  private _applyDefaultSizes(): void {
    const accordion = this.content;
    if (this._sized || !(accordion instanceof AccordionPanel)) {
      return;
    }
    accordion.setRelativeSizes(
      accordion.widgets.map(
        w => Private.DEFAULT_WEIGHTS[w.node.dataset.section ?? ''] ?? 1
      )
    );
  }

  /**
   * The section that shows a backend's notice: the first of its sections
   * that is in the panel and expanded, else the first in the panel.
   */
  private _noticeSection(backend: 'hub' | 'saturn'): SectionKind | null {
    if (!this._sections) {
      return backend; // still being built
    }
    const mine = this._order.filter(
      s =>
        (backend === 'hub' ? s === 'hub' : s !== 'hub') &&
        this._sections[s].parent === this.content
    );
    return mine.find(s => !this._sections[s].isHidden) ?? mine[0] ?? null;
  }

  /**
   * Restore which sections are collapsed and their sizes, and save them on
   * every change (a toggle, the end of a resize), as JupyterLab's own
   * sidebars keep theirs.
   */
  private async _rememberSections(state: IStateDB): Promise<void> {
    const accordion = this.content;
    if (!(accordion instanceof AccordionPanel)) {
      return;
    }
    const sectionOf = (index: number) =>
      accordion.widgets[index]?.node.dataset.section ?? '';
    let saved: Private.ISectionState = {};
    try {
      saved = ((await state.fetch(SECTIONS_STATE_KEY)) ??
        {}) as Private.ISectionState;
    } catch {
      // Nothing saved yet, or unreadable: the default layout.
    }
    if (this.isDisposed) {
      return;
    }
    accordion.widgets.forEach((_, index) => {
      if (saved[sectionOf(index)]?.expanded === false) {
        accordion.collapse(index);
      }
    });
    const sizes = accordion.widgets.map(
      (_, index) => saved[sectionOf(index)]?.size
    );
    if (sizes.every(size => typeof size === 'number' && size >= 0)) {
      accordion.setRelativeSizes(sizes as number[]);
      this._sized = true;
    }
    const save = () => {
      this._sized = true;
      const now: Private.ISectionState = { ...saved };
      const relative = accordion.relativeSizes();
      accordion.widgets.forEach((widget, index) => {
        now[sectionOf(index)] = {
          expanded: !widget.isHidden,
          size: relative[index]
        };
      });
      saved = now;
      void state.save(SECTIONS_STATE_KEY, now as unknown as ReadonlyJSONValue);
    };
    accordion.expansionToggled.connect(save);
    accordion.node.addEventListener('pointerup', save);
  }

  private _visibilityChanged = new Signal<this, boolean>(this);
  private _model: ResourceModel;
  private _shell: SaturnPanel.IShell | null;
  private _focusBefore: HTMLElement | null = null;
  private _hubSearch: HubSearch;
  private _sections: { [section in SectionKind]: PanelWithToolbar };
  private _sized = false;
  private _order: SectionKind[];
}

/**
 * The namespace for `SaturnPanel` statics.
 */
export namespace SaturnPanel {
  /**
   * Options to create the panel.
   */
  export interface IOptions {
    /**
     * The single source of truth.
     */
    model: ResourceModel;
    /**
     * The application commands (every button runs one).
     */
    commands: CommandRegistry;
    /**
     * The application translator.
     */
    translator: ITranslator;
    /**
     * Where to remember the sections' state (collapsed, size).
     */
    state?: IStateDB | null;
    /**
     * JupyterLab's shell (`app.shell`): Escape in the panel activates its
     * current widget again when the element that had the focus is gone.
     */
    shell?: IShell | null;
  }

  /**
   * What the panel needs of JupyterLab's shell.
   */
  export interface IShell {
    readonly currentWidget: Widget | null;
    activateById(id: string): void;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * How the height is shared among the sections by default: the workspaces
   * get more room (a notice above their rows), the deployments less.
   */
  export const DEFAULT_WEIGHTS: { [section: string]: number } = {
    hub: 1,
    saturn: 1.4,
    deployments: 0.6,
    jobs: 1
  };

  /**
   * What is remembered of each section, by section name.
   */
  export interface ISectionState {
    [section: string]: { expanded?: boolean; size?: number } | undefined;
  }

  /**
   * Create one section with its body.
   */
  export function createSection(
    context: IPanelContext,
    section: SectionKind,
    label: string,
    holdsNotice: () => boolean
  ): PanelWithToolbar {
    const widget = new PanelWithToolbar();
    widget.id = `saturn-panel-${section}`;
    widget.addClass('jp-SaturnPanel-section');
    widget.node.dataset.section = section;
    widget.title.label = label;
    widget.node.setAttribute('aria-label', label);
    widget.addWidget(new SectionBodyWidget(context, section, holdsNotice));
    return widget;
  }
}
