import { nullTranslator } from '@jupyterlab/translation';

import {
  changeEvents,
  decodeChanges,
  decodePosition,
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
    expect(parseKey(saturnKey('deployment', WS))).toEqual({
      backend: 'saturn',
      kind: 'deployment',
      id: WS
    });
    for (const bad of [
      '',
      'hub',
      'hub//dev',
      'hub/alice/dev/x',
      'saturn/job/',
      'saturn/cluster/abc',
      'other/a/b'
    ]) {
      expect(parseKey(bad)).toBeNull();
    }
    expect(jobIdFromKey(saturnKey('job', WS))).toBe(WS);
    expect(jobIdFromKey(saturnKey('workspace', WS))).toBeNull();
    expect(jobIdFromKey(`saturn/job/${WS}/x`)).toBeNull();
  });
});

describe('decodeChanges', () => {
  const answer = (extra: { [key: string]: unknown }) => ({
    epoch: 'abc123',
    seq: 7,
    snapshot: false,
    resources: [],
    removed: [],
    backends: {},
    ...extra
  });

  it('turns a delta into removals, then changes, then the backends', () => {
    const changes = decodeChanges(
      answer({
        resources: [hubServer('a', 'x'), 3],
        removed: ['hub/a/y', 4]
      })
    );
    expect(changes).not.toBeNull();
    expect(changeEvents(changes!)).toMatchObject([
      { type: 'removed', key: 'hub/a/y' },
      { type: 'resource', resource: { key: 'hub/a/x', name: 'x' } },
      { type: 'backends', config: { hub: { configured: false } } }
    ]);
  });

  it('turns a snapshot into one snapshot event', () => {
    const changes = decodeChanges(
      answer({ snapshot: true, resources: [hubServer('a', '')] })
    );
    expect(changeEvents(changes!).map(e => e.type)).toEqual([
      'snapshot',
      'backends'
    ]);
  });

  it('answers null for what is not an answer or a position', () => {
    expect(decodeChanges(null)).toBeNull();
    expect(decodeChanges(answer({ resources: 'x' }))).toBeNull();
    expect(decodeChanges(answer({ seq: -1 }))).toBeNull();
    expect(decodeChanges(answer({ seq: 1.5 }))).toBeNull();
    expect(decodeChanges(answer({ epoch: 3 }))).toBeNull();
    expect(decodePosition({ epoch: 'e', seq: 2 })).toEqual({
      epoch: 'e',
      seq: 2
    });
    expect(decodePosition([1])).toBeNull();
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
