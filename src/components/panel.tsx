/**
 * The left-sidebar panel: a header (extension and connection state, filter)
 * and accordion sections: JupyterHub servers, Saturn workspaces, Saturn jobs.
 */
import type { ITranslator } from '@jupyterlab/translation';
import {
  CommandToolbarButton,
  PanelWithToolbar,
  ReactWidget,
  SidePanel
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { AccordionPanel } from '@lumino/widgets';
import * as React from 'react';

import { saturnPanelIcon } from '../icons';
import type { ResourceModel } from '../model';
import { CommandIDs, PANEL_ID, TRANSLATION_DOMAIN } from '../tokens';
import type { IPanelContext } from './context';
import { PanelHeader } from './PanelHeader';
import { HubSearch } from '../hubSearch';
import { SectionBodyWidget, SectionKind } from './SectionBody';

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

    const hub = Private.createSection(context, 'hub', trans.__('JupyterHub'));
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
      trans.__('Saturn Cloud')
    );
    saturn.toolbar.addItem(
      'create-from-recipe',
      new CommandToolbarButton({
        commands: options.commands,
        id: CommandIDs.createFromRecipe,
        label: ''
      })
    );
    const jobs = Private.createSection(
      context,
      'jobs',
      trans.__('Saturn Jobs')
    );
    this._sections = { hub, saturn, jobs };
    this._order = ['hub', 'saturn', 'jobs'];
    this.addWidget(hub);
    this.addWidget(saturn);
    this.addWidget(jobs);
  }

  /**
   * Show or hide a section (user settings `showHubSection`,
   * `showSaturnSection`, `showJobsSection`). A hidden section is removed from the panel, title
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

  private _hubSearch: HubSearch;
  private _sections: { [section in SectionKind]: PanelWithToolbar };
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
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Create one section with its body.
   */
  export function createSection(
    context: IPanelContext,
    section: SectionKind,
    label: string
  ): PanelWithToolbar {
    const widget = new PanelWithToolbar();
    widget.id = `saturn-panel-${section}`;
    widget.addClass('jp-SaturnPanel-section');
    widget.node.dataset.section = section;
    widget.title.label = label;
    widget.node.setAttribute('aria-label', label);
    widget.addWidget(new SectionBodyWidget(context, section));
    return widget;
  }
}
