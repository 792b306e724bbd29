/**
 * JupyterHub 6 named-server name rules (`jupyterhub/slugs.py`
 * `is_valid_safe_slug`) and the name suggestion the hub home page makes
 * from a display name (`static/js/utils.js` `safe_slug`).
 */
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The longest valid server name.
 */
export const MAX_SERVER_NAME_LENGTH = 30;

/**
 * The longest valid display name.
 */
export const MAX_DISPLAY_NAME_LENGTH = 255;

/**
 * Check a named-server name against JupyterHub 6's rules: 1-30 characters of
 * `a-z`, `0-9` and `-`, starting with a letter, ending with a letter or a
 * digit, with no `--`.
 *
 * @returns null when the name is valid, else the (translated) reason
 */
export function validateServerName(
  name: string,
  trans: TranslationBundle
): string | null {
  if (name.length === 0) {
    return trans.__('Enter a server name.');
  }
  // Characters as the hub counts them (code points, as Python's len()): an
  // emoji is one character, never half of a UTF-16 surrogate pair.
  const length = characterCount(name);
  if (length > MAX_SERVER_NAME_LENGTH) {
    return trans.__(
      'A server name has at most %1 characters (this one has %2).',
      MAX_SERVER_NAME_LENGTH,
      length
    );
  }
  // The `u` flag matches whole code points: without it, an emoji's first
  // surrogate alone would be quoted, and shown as "\ufffd".
  const bad = name.match(/[^a-z0-9-]/u);
  if (bad) {
    const char = bad[0];
    if (/[A-Z]/.test(char)) {
      return trans.__('Use lowercase letters only: "%1" is uppercase.', char);
    }
    return trans.__(
      'Only lowercase letters, digits and "-" are allowed, not "%1".',
      char === ' ' ? trans.__('space') : char
    );
  }
  if (!/^[a-z]/.test(name)) {
    return trans.__('A server name must start with a letter.');
  }
  if (!/[a-z0-9]$/.test(name)) {
    return trans.__('A server name must end with a letter or a digit.');
  }
  if (name.includes('--')) {
    return trans.__('A server name cannot contain "--".');
  }
  return null;
}

/**
 * Suggest a valid server name from a display name, as JupyterHub's home page
 * does: accents dropped, lowercased, runs of other characters turned into
 * one `-`, prefixed with `x-` when it would not start with a letter, cut to
 * 30 characters.
 *
 * @returns a valid server name, or `''` for a blank display name
 */
export function safeSlug(displayName: string): string {
  const name = displayName.trim();
  if (!name) {
    return '';
  }
  if (
    name.length <= MAX_SERVER_NAME_LENGTH &&
    /^[a-z]([a-z0-9]*[a-z0-9])?$/.test(name)
  ) {
    return name;
  }
  let slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '');
  if (!/^[a-z]/.test(slug)) {
    slug = 'x-' + slug;
  }
  slug = slug.substring(0, MAX_SERVER_NAME_LENGTH).replace(/-+$/, '');
  return slug || 'x';
}

/**
 * Clean a display name as JupyterHub's home page does: printable characters
 * only, runs of spaces collapsed, no leading or trailing space.
 */
export function sanitizeDisplayName(displayName: string): string {
  return displayName
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S} ]+/gu, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Check a display name (optional; at most 255 characters once cleaned).
 *
 * @returns null when it is acceptable, else the (translated) reason
 */
export function validateDisplayName(
  displayName: string,
  trans: TranslationBundle
): string | null {
  const clean = sanitizeDisplayName(displayName);
  if (characterCount(clean) > MAX_DISPLAY_NAME_LENGTH) {
    return trans.__(
      'A display name has at most %1 characters.',
      MAX_DISPLAY_NAME_LENGTH
    );
  }
  return null;
}

/**
 * Suggest a valid server name for what the user typed as one, when it is
 * not valid as it stands ("My Server" → "my-server"), with JupyterHub 6's
 * rule (`safe_slug` of the hub's home page).
 *
 * @returns the suggestion, or null when the name is valid or blank
 */
export function suggestServerName(name: string): string | null {
  if (name.trim() === '' || isValidServerName(name)) {
    return null;
  }
  const suggestion = safeSlug(name);
  return suggestion !== name && isValidServerName(suggestion)
    ? suggestion
    : null;
}

/**
 * Whether a name follows JupyterHub 6's rules for a new named server.
 */
export function isValidServerName(name: string): boolean {
  return (
    name.length <= MAX_SERVER_NAME_LENGTH &&
    /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/.test(name) &&
    !name.includes('--')
  );
}

/**
 * The number of characters of a text as Python counts them (code points):
 * an emoji is one, not two UTF-16 units.
 */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

/**
 * Whether a text holds a control character (U+0000-U+001F, U+007F), which
 * no hub user name may contain.
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}
