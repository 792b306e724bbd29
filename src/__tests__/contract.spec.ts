import { nullTranslator } from '@jupyterlab/translation';

import {
  decodeEvent,
  hubServerKey,
  isActive,
  isStatus,
  isStoppable,
  jobIdFromKey,
  parseKey,
  saturnKey,
  STATUSES,
  statusLabel
} from '../api';
import { hasControlCharacter } from '../dialogs/slug';
import { hubServer } from './fixtures';

const trans = nullTranslator.load('jupyterlab_saturn_panel');
const WS = '0123456789abcdef0123456789abcdef';

describe('statuses', () => {
  it('lists the six statuses of resources and runs once', () => {
    expect(STATUSES).toEqual([
      'stopped',
      'pending',
      'running',
      'stopping',
      'error',
      'completed'
    ]);
    for (const status of STATUSES) {
      expect(isStatus(status)).toBe(true);
      expect(statusLabel(status, trans)).toBe(status);
    }
    expect(isStatus('starting')).toBe(false);
    expect(isStatus(null)).toBe(false);
  });

  it('tells what is still going and what may be stopped', () => {
    expect(STATUSES.filter(isActive)).toEqual([
      'pending',
      'running',
      'stopping'
    ]);
    expect(STATUSES.filter(isStoppable)).toEqual(['pending', 'running']);
  });
});

describe('keys', () => {
  it('builds the keys of docs/rest-api.md', () => {
    expect(hubServerKey('alice', 'dev')).toBe('hub/alice/dev');
    expect(hubServerKey('alice', '')).toBe('hub/alice/');
    expect(saturnKey('workspace', WS)).toBe(`saturn/workspace/${WS}`);
    expect(saturnKey('job', WS)).toBe(`saturn/job/${WS}`);
  });

  it('reads back what it builds, and nothing else', () => {
    expect(parseKey('hub/alice/dev')).toEqual({
      backend: 'hub',
      user: 'alice',
      name: 'dev'
    });
    expect(parseKey('hub/alice/')).toEqual({
      backend: 'hub',
      user: 'alice',
      name: ''
    });
    expect(parseKey(`saturn/workspace/${WS}`)).toEqual({
      backend: 'saturn',
      kind: 'workspace',
      id: WS
    });
    for (const bad of [
      '',
      'hub',
      'hub//dev',
      'hub/alice/dev/x',
      'saturn/job/',
      'saturn/deployment/abc',
      'other/a/b'
    ]) {
      expect(parseKey(bad)).toBeNull();
    }
    expect(jobIdFromKey(saturnKey('job', WS))).toBe(WS);
    expect(jobIdFromKey(saturnKey('workspace', WS))).toBeNull();
    expect(jobIdFromKey(`saturn/job/${WS}/x`)).toBeNull();
  });
});

describe('decodeEvent', () => {
  const sse = (event: string, payload: unknown) => ({
    event,
    data: JSON.stringify(payload),
    id: ''
  });

  it('decodes the four events of the stream', () => {
    expect(
      decodeEvent(sse('snapshot', { resources: [hubServer('a', ''), 3] }))
    ).toMatchObject({
      type: 'snapshot',
      resources: [{ key: 'hub/a/' }]
    });
    expect(decodeEvent(sse('resource', hubServer('a', 'x')))).toMatchObject({
      type: 'resource',
      resource: { key: 'hub/a/x', name: 'x' }
    });
    expect(decodeEvent(sse('removed', { key: 'hub/a/x' }))).toEqual({
      type: 'removed',
      key: 'hub/a/x'
    });
    expect(decodeEvent(sse('backends', {}))).toMatchObject({
      type: 'backends',
      config: { hub: { configured: false }, saturn: { configured: false } }
    });
  });

  it('answers null for what it does not understand', () => {
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    expect(decodeEvent({ event: 'resource', data: '{', id: '' })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(decodeEvent(sse('snapshot', { resources: 'x' }))).toBeNull();
    expect(decodeEvent(sse('resource', { key: 'x' }))).toBeNull();
    expect(decodeEvent(sse('removed', {}))).toBeNull();
    expect(decodeEvent(sse('mystery', {}))).toBeNull();
    warn.mockRestore();
  });
});

describe('hasControlCharacter', () => {
  it('finds C0 controls and DEL only', () => {
    expect(hasControlCharacter('alice')).toBe(false);
    expect(hasControlCharacter('ünï cødé')).toBe(false);
    expect(hasControlCharacter('a\u0000b')).toBe(true);
    expect(hasControlCharacter('a\u001fb')).toBe(true);
    expect(hasControlCharacter('a\u007f')).toBe(true);
    expect(hasControlCharacter('\tx')).toBe(true);
  });
});
