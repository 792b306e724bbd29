/**
 * The events of `GET events` (docs/rest-api.md), decoded from the
 * server-sent events that carry them.
 */
import {
  IConfig,
  IResource,
  normalizeConfig,
  normalizeResource
} from './resource';
import type { IServerSentEvent } from './sse';

/**
 * One event of the panel's stream, decoded and normalised.
 */
export type PanelEvent =
  | { readonly type: 'snapshot'; readonly resources: ReadonlyArray<IResource> }
  | { readonly type: 'resource'; readonly resource: IResource }
  | { readonly type: 'removed'; readonly key: string }
  | { readonly type: 'backends'; readonly config: IConfig };

/**
 * Decode one server-sent event.
 *
 * @returns the event, or null when it is not one the panel understands
 */
export function decodeEvent(event: IServerSentEvent): PanelEvent | null {
  let payload: unknown;
  try {
    payload = JSON.parse(event.data);
  } catch {
    console.warn('saturn-panel: ignoring an event that is not JSON', event);
    return null;
  }
  switch (event.event) {
    case 'snapshot': {
      const list = Private.field(payload, 'resources');
      if (!Array.isArray(list)) {
        return null;
      }
      return {
        type: 'snapshot',
        resources: list
          .map(normalizeResource)
          .filter((r): r is IResource => r !== null)
      };
    }
    case 'resource': {
      const resource = normalizeResource(payload);
      return resource ? { type: 'resource', resource } : null;
    }
    case 'removed': {
      const key = Private.field(payload, 'key');
      return typeof key === 'string' ? { type: 'removed', key } : null;
    }
    case 'backends':
      return { type: 'backends', config: normalizeConfig(payload) };
    default:
      return null;
  }
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * A field of an untrusted JSON object.
   */
  export function field(value: unknown, name: string): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return undefined;
    }
    return (value as { [key: string]: unknown })[name];
  }
}
