/**
 * The coloured status label of a resource.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { Status, statusLabel } from '../api';

/**
 * Properties of `StatusBadge`.
 */
export interface IStatusBadgeProps {
  readonly status: Status;
  readonly trans: TranslationBundle;
}

/**
 * A status badge; its colour comes from `--jp-*` variables (see style/base.css).
 */
export function StatusBadge(props: IStatusBadgeProps): JSX.Element {
  const label = statusLabel(props.status, props.trans);
  return (
    <span
      className={`jp-SaturnPanel-status jp-mod-${props.status}`}
      title={props.trans.__('Status: %1', label)}
    >
      {/* In a narrow panel only the dot shows; the text stays for screen readers. */}
      <span className="jp-SaturnPanel-statusText">{label}</span>
    </span>
  );
}
