/**
 * What `GET resources?since=SEQ&epoch=EPOCH` answers (docs/rest-api.md,
 * "Live updates"), decoded, and the notice of jupyter_server's event bus that
 * says there is something to fetch.
 */
import {
  IConfig,
  IResource,
  normalizeConfig,
  normalizeResource
} from './resource';

/**
 * The `$id` of the event the server extension emits on jupyter_server's event
 * bus after its state changed (jupyterlab_saturn_panel/event_schemas/changed.yaml).
 */
export const CHANGED_SCHEMA_ID =
  'https://events.jupyter.org/jupyterlab_saturn_panel/changed/v1';

/**
 * One change of the model, as the plugin applies it.
 */
export type PanelEvent =
  | { readonly type: 'snapshot'; readonly resources: ReadonlyArray<IResource> }
  | { readonly type: 'resource'; readonly resource: IResource }
  | { readonly type: 'removed'; readonly key: string }
  | { readonly type: 'backends'; readonly config: IConfig };

/**
 * Where the server's state stands: a notice's payload, and what a tab holds.
 */
export interface IStatePosition {
  /**
   * Which server process numbered the changes.
   */
  readonly epoch: string;
  /**
   * The sequence number of the latest change.
   */
  readonly seq: number;
}

/**
 * An answer of `GET resources`, decoded.
 */
export interface IChanges extends IStatePosition {
  /**
   * `resources` is the whole state (the tab held none, or too old a one).
   */
  readonly snapshot: boolean;
  /**
   * The resources changed since the tab's number (every one for a snapshot).
   */
  readonly resources: ReadonlyArray<IResource>;
  /**
   * The keys removed since the tab's number.
   */
  readonly removed: ReadonlyArray<string>;
  /**
   * The backends' configuration as it now stands.
   */
  readonly backends: IConfig;
}

/**
 * Decode an answer of `GET resources`; null when it is not one.
 */
export function decodeChanges(value: unknown): IChanges | null {
  const position = decodePosition(value);
  if (position === null) {
    return null;
  }
  const raw = value as { [key: string]: unknown };
  if (!Array.isArray(raw.resources)) {
    return null;
  }
  return {
    ...position,
    snapshot: raw.snapshot === true,
    resources: raw.resources
      .map(normalizeResource)
      .filter((r): r is IResource => r !== null),
    removed: Array.isArray(raw.removed)
      ? raw.removed.filter((k): k is string => typeof k === 'string')
      : [],
    backends: normalizeConfig(raw.backends)
  };
}

/**
 * The position a change notice (or an answer) carries; null when it has none.
 */
export function decodePosition(value: unknown): IStatePosition | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return null;
  }
  const { epoch, seq } = value as { [key: string]: unknown };
  if (
    typeof epoch !== 'string' ||
    typeof seq !== 'number' ||
    !Number.isInteger(seq) ||
    seq < 0
  ) {
    return null;
  }
  return { epoch, seq };
}

/**
 * The model changes an answer brings, in the order to apply them.
 */
export function changeEvents(changes: IChanges): PanelEvent[] {
  const events: PanelEvent[] = [];
  if (changes.snapshot) {
    events.push({ type: 'snapshot', resources: changes.resources });
  } else {
    for (const key of changes.removed) {
      events.push({ type: 'removed', key });
    }
    for (const resource of changes.resources) {
      events.push({ type: 'resource', resource });
    }
  }
  events.push({ type: 'backends', config: changes.backends });
  return events;
}
