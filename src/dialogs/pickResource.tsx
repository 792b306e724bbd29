/**
 * The pick-a-resource dialog: which resource a command without a key acts on.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IResource, resourceLabel, statusLabel } from '../api';
import { FormBody, showFormDialog } from './form';

/**
 * The body of the pick-a-resource dialog: one radio button per resource.
 */
export class PickResourceBody extends FormBody<string | null> {
  /**
   * Create the body.
   */
  constructor(
    resources: ReadonlyArray<IResource>,
    trans: TranslationBundle,
    showOwner: boolean
  ) {
    super();
    this._resources = resources;
    this._trans = trans;
    this._showOwner = showOwner;
    this._selected = resources.length > 0 ? resources[0].key : null;
  }

  getValue(): string | null {
    return this._selected;
  }

  isValid(): boolean {
    return this._selected !== null;
  }

  render(): JSX.Element {
    const trans = this._trans;
    return (
      <div
        className="jp-SaturnPanel-pick"
        role="radiogroup"
        aria-label={trans.__('Servers and workspaces')}
      >
        {this._resources.map(resource => {
          const label = resourceLabel(resource, trans);
          const detail = this._showOwner
            ? trans.__(
                '%1, %2',
                resource.owner,
                statusLabel(resource.status, trans)
              )
            : statusLabel(resource.status, trans);
          return (
            <label key={resource.key} className="jp-SaturnPanel-pickItem">
              <input
                type="radio"
                name="saturn-panel-pick"
                value={resource.key}
                checked={this._selected === resource.key}
                onChange={() => {
                  this._selected = resource.key;
                  this.update();
                }}
              />
              <span className="jp-SaturnPanel-pickLabel">{label}</span>
              <span className="jp-SaturnPanel-pickDetail">{detail}</span>
            </label>
          );
        })}
      </div>
    );
  }

  private _resources: ReadonlyArray<IResource>;
  private _trans: TranslationBundle;
  private _showOwner: boolean;
  private _selected: string | null;
}

/**
 * Ask which resource to act on.
 *
 * @param resources - the eligible resources (only these are listed)
 * @returns the chosen key, or null when cancelled or when none is eligible
 */
export async function pickResource(options: {
  title: string;
  acceptLabel: string;
  emptyMessage: string;
  resources: ReadonlyArray<IResource>;
  trans: TranslationBundle;
  /**
   * Show each resource's owner; by default when they are not all the same.
   */
  showOwner?: boolean;
}): Promise<string | null> {
  const { trans, resources } = options;
  const showOwner =
    options.showOwner ?? new Set(resources.map(r => r.owner)).size > 1;
  if (resources.length === 0) {
    await showDialog({
      title: options.title,
      body: options.emptyMessage,
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
    return null;
  }
  return showFormDialog({
    title: options.title,
    body: new PickResourceBody(resources, trans, showOwner),
    acceptLabel: options.acceptLabel,
    trans,
    focusNodeSelector: 'input:checked'
  });
}
