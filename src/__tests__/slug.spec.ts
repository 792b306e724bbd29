import { nullTranslator } from '@jupyterlab/translation';

import {
  characterCount,
  isValidServerName,
  safeSlug,
  sanitizeDisplayName,
  suggestServerName,
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

describe('names with characters outside the BMP (emoji)', () => {
  it('quotes a whole emoji, never half a surrogate pair ("\ufffd")', () => {
    const reason = validateServerName('dev\u{1F680}', trans);
    expect(reason).toBe(
      'Only lowercase letters, digits and "-" are allowed, not "\u{1F680}".'
    );
    // No lone surrogate (what a browser draws as "\ufffd").
    expect(reason).not.toMatch(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    );
  });

  it('counts an emoji as one character, as the hub does', () => {
    expect(characterCount('a\u{1F680}b')).toBe(3);
    // 29 letters and an emoji: 30 characters, refused for the emoji only.
    expect(validateServerName('a'.repeat(29) + '\u{1F680}', trans)).toMatch(
      /not "\u{1F680}"/u
    );
    // A display name of 255 emoji is 255 characters, as the hub counts.
    expect(validateDisplayName('\u{1F680}'.repeat(255), trans)).toBeNull();
    expect(validateDisplayName('\u{1F680}'.repeat(256), trans)).toBe(
      'A display name has at most 255 characters.'
    );
  });

  it('suggests a slug without emoji from a display name with one', () => {
    expect(safeSlug('\u{1F680} Rocket lab')).toBe('rocket-lab');
    expect(sanitizeDisplayName('Rocket \u{1F680}')).toBe('Rocket \u{1F680}');
  });
});

describe('suggestServerName (a valid name for what was typed as one)', () => {
  it.each([
    ['My Server', 'my-server'],
    ['Dev_Box', 'dev-box'],
    ['GPU  experiments!', 'gpu-experiments'],
    ['2024 run', 'x-2024-run'],
    ['a--b', 'a-b'],
    ['trailing-', 'trailing'],
    ['Caf\u00e9', 'cafe'],
    ['x'.repeat(40), 'x'.repeat(30)]
  ])('offers %j for %j', (typed, suggestion) => {
    expect(suggestServerName(typed)).toBe(suggestion);
    expect(validateServerName(suggestion, trans)).toBeNull();
  });

  it.each(['', '   ', 'dev', 'gpu-2'])('offers nothing for %j', typed => {
    expect(suggestServerName(typed)).toBeNull();
  });

  it('agrees with validateServerName on validity', () => {
    for (const name of ['a', 'a-b', 'a--b', 'A', '1a', 'a-', 'x'.repeat(31)]) {
      expect(isValidServerName(name)).toBe(
        validateServerName(name, trans) === null
      );
    }
  });
});
