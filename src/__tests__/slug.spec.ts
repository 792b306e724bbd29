import { nullTranslator } from '@jupyterlab/translation';

import {
  safeSlug,
  sanitizeDisplayName,
  validateDisplayName,
  validateServerName
} from '../dialogs/slug';

const trans = nullTranslator.load('jupyterlab_saturn_panel');

describe('validateServerName (JupyterHub 6 slug rules)', () => {
  it.each([
    'a',
    'dev',
    'gpu-2',
    'a1',
    'my-long-name-9',
    'x'.repeat(30),
    'a-b-c'
  ])('accepts %s', name => {
    expect(validateServerName(name, trans)).toBeNull();
  });

  it.each([
    ['', 'Enter a server name.'],
    ['Bad_Name', 'Use lowercase letters only: "B" is uppercase.'],
    [
      'bad_name',
      'Only lowercase letters, digits and "-" are allowed, not "_".'
    ],
    [
      'bad name',
      'Only lowercase letters, digits and "-" are allowed, not "space".'
    ],
    [
      'caf\u00e9',
      'Only lowercase letters, digits and "-" are allowed, not "\u00e9".'
    ],
    ['a/b', 'Only lowercase letters, digits and "-" are allowed, not "/".'],
    ['1abc', 'A server name must start with a letter.'],
    ['-abc', 'A server name must start with a letter.'],
    ['abc-', 'A server name must end with a letter or a digit.'],
    ['a--b', 'A server name cannot contain "--".'],
    [
      'x'.repeat(31),
      'A server name has at most 30 characters (this one has 31).'
    ]
  ])('rejects %j with its reason', (name, reason) => {
    expect(validateServerName(name, trans)).toBe(reason);
  });
});

describe('safeSlug (JupyterHub home page suggestion)', () => {
  it.each([
    ['dev', 'dev'],
    ['GPU experiments', 'gpu-experiments'],
    ['  Dev box  ', 'dev-box'],
    ['Café Crème', 'cafe-creme'],
    ['2024 analysis', 'x-2024-analysis'],
    ['---weird___name!!!', 'weird-name'],
    ['a--b', 'a-b'],
    ['!!!', 'x'],
    ['Ünïcode ☃ snowman', 'unicode-snowman'],
    ['A'.repeat(40), 'a'.repeat(30)],
    ['abcdefghijklmnopqrstuvwxyz abcd-efg', 'abcdefghijklmnopqrstuvwxyz-abc']
  ])('suggests %j → %j', (displayName, slug) => {
    expect(safeSlug(displayName)).toBe(slug);
  });

  it('always suggests a valid name for a non-blank display name', () => {
    for (const name of [
      'Ω',
      '123',
      '-',
      'a_b',
      'Trailing -',
      'x'.repeat(29) + '-y'
    ]) {
      const slug = safeSlug(name);
      expect({ name, reason: validateServerName(slug, trans) }).toEqual({
        name,
        reason: null
      });
    }
  });

  it('suggests nothing for a blank display name', () => {
    expect(safeSlug('   ')).toBe('');
  });
});

describe('display names', () => {
  it('collapses spaces and trims like the hub', () => {
    expect(sanitizeDisplayName('  My   GPU\tbox ')).toBe('My GPUbox');
  });

  it('rejects a display name over 255 characters', () => {
    expect(validateDisplayName('d'.repeat(255), trans)).toBeNull();
    expect(validateDisplayName('d'.repeat(256), trans)).toBe(
      'A display name has at most 255 characters.'
    );
  });
});
