/**
 * The mark of a row whose backend is stale or does not answer: what it shows
 * is the last known state, as of the backend's last good read.
 */
import * as React from 'react';

import {
  Backend,
  backendBlockedReason,
  lastGoodReadText,
  parseLastGoodRead
} from '../api';
import { formatAbsoluteTime } from '../time';
import type { IPanelContext } from './context';

/**
 * Properties of `LastKnownMark`.
 */
export interface ILastKnownMarkProps {
  readonly backend: Backend;
  readonly context: IPanelContext;
  /**
   * The current time (epoch ms), so "as of 2 minutes ago" stays true.
   */
  readonly now: number;
}

/**
 * "last known, as of 2 minutes ago", with the reason in its tooltip.
 */
export function LastKnownMark(props: ILastKnownMarkProps): JSX.Element | null {
  const { backend, context, now } = props;
  const { model, trans } = context;
  const config = model.config;
  if (!config) {
    return null;
  }
  const state = config[backend];
  const asOf = lastGoodReadText(state, now, trans);
  const when = parseLastGoodRead(state);
  const reason = backendBlockedReason(config, backend, trans, now);
  const text = asOf ? trans.__('last known, %1', asOf) : trans.__('last known');
  const title = [
    when
      ? trans.__('Last known state, read %1', formatAbsoluteTime(when))
      : trans.__('Last known state'),
    reason
  ]
    .filter(Boolean)
    .join('. ');
  return (
    <span className="jp-SaturnPanel-lastKnown" title={title}>
      {when ? <time dateTime={when.toISOString()}>{text}</time> : text}
    </span>
  );
}
