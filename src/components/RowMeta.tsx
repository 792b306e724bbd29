/**
 * The small facts under a row's name that every kind of row has.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IResource } from '../api';

/**
 * The owner (when the list holds other users' resources) and the size, as
 * the first items of a row's meta line.
 */
export function ownerAndSize(
  resource: IResource,
  trans: TranslationBundle,
  showOwner: boolean
): JSX.Element[] {
  const meta: JSX.Element[] = [];
  if (showOwner && resource.owner) {
    meta.push(
      <span
        key="owner"
        className="jp-SaturnPanel-owner"
        title={trans.__('Owner')}
      >
        {resource.owner}
      </span>
    );
  }
  const size = resource.details.size;
  if (typeof size === 'string' && size) {
    meta.push(
      <span key="size" className="jp-SaturnPanel-size" title={trans.__('Size')}>
        {size}
      </span>
    );
  }
  return meta;
}
