/**
 * The statuses of resources and runs (docs/rest-api.md): one list, and the
 * predicates everything else asks.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * Every status a resource or a run can be in.
 */
export const STATUSES = [
  'stopped',
  'pending',
  'running',
  'stopping',
  'error',
  'completed'
] as const;

/**
 * The status of a resource or a run.
 */
export type Status = (typeof STATUSES)[number];

/**
 * Whether a value is one of the known statuses.
 */
export function isStatus(value: unknown): value is Status {
  return (
    typeof value === 'string' &&
    (STATUSES as ReadonlyArray<string>).includes(value)
  );
}

/**
 * Whether something in this status is still going: it will change on its
 * own (a run that is pending, running or stopping).
 */
export function isActive(status: Status): boolean {
  return status === 'pending' || status === 'running' || status === 'stopping';
}

/**
 * Whether something in this status may still be asked to stop (pending or
 * running; a stop is already under way while stopping).
 */
export function isStoppable(status: Status): boolean {
  return status === 'pending' || status === 'running';
}

/**
 * The translated label of a status.
 */
export function statusLabel(status: Status, trans: TranslationBundle): string {
  switch (status) {
    case 'stopped':
      return trans.__('stopped');
    case 'pending':
      return trans.__('pending');
    case 'running':
      return trans.__('running');
    case 'stopping':
      return trans.__('stopping');
    case 'error':
      return trans.__('error');
    case 'completed':
      return trans.__('completed');
  }
}
