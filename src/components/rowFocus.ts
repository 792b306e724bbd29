/**
 * Keyboard use of the rows, as in JupyterLab's file browser: arrow keys move
 * between rows, and the focus stays in a row whose button went away (Start
 * becomes Stop) instead of falling to the page.
 */
import * as React from 'react';

/**
 * What takes the focus in a row, in order: its links and enabled buttons.
 */
const CONTROLS =
  'a[href]:not([tabindex="-1"]), button:not(:disabled):not([tabindex="-1"])';

/**
 * The controls of a row, not those of a row nested in it.
 */
export function rowControls(row: Element): HTMLElement[] {
  return Array.from(row.querySelectorAll<HTMLElement>(CONTROLS)).filter(
    control => control.closest('.jp-SaturnPanel-row') === row
  );
}

/**
 * Arrow keys, Home and End on a section: move to the previous, next, first
 * or last row, at the same control where it has one (a column, as in a
 * grid), else its first. Handled on the section, so every list of it is one
 * sequence of rows.
 */
export function onRowKeyDown(event: React.KeyboardEvent<HTMLElement>): void {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
    return;
  }
  const moves: { [key: string]: number | 'first' | 'last' } = {
    ArrowDown: 1,
    ArrowUp: -1,
    Home: 'first',
    End: 'last'
  };
  const move = moves[event.key];
  const target = event.target as HTMLElement;
  if (move === undefined || target.closest('input, textarea, select')) {
    return;
  }
  const row = target.closest('.jp-SaturnPanel-row');
  if (!row) {
    return;
  }
  const rows = Array.from(
    event.currentTarget.querySelectorAll<HTMLElement>('.jp-SaturnPanel-row')
  );
  const here = rows.indexOf(row as HTMLElement);
  const index =
    move === 'first' ? 0 : move === 'last' ? rows.length - 1 : here + move;
  const next = rows[index];
  if (!next || next === row) {
    return;
  }
  event.preventDefault();
  const column = rowControls(row).indexOf(target);
  const controls = rowControls(next);
  const control = controls[Math.max(0, Math.min(column, controls.length - 1))];
  (control ?? next).focus();
  (control ?? next).scrollIntoView?.({ block: 'nearest' }); // absent in jsdom
}

/**
 * The row (key) and control (index) that last had the focus, to give it back.
 */
const lastFocus: { key: string | null; index: number } = {
  key: null,
  index: 0
};

/**
 * Keep the focus in a row whose focused control went away or was disabled
 * (Start, pressed, becomes Stop): on the control now at the same place, or
 * the row itself until one is enabled again. Returns the row's props.
 */
export function useRowFocus(key: string): {
  ref: React.RefObject<HTMLLIElement>;
  onFocus: (event: React.FocusEvent<HTMLLIElement>) => void;
  tabIndex: number;
} {
  const ref = React.useRef<HTMLLIElement>(null);
  React.useLayoutEffect(() => {
    const row = ref.current;
    if (!row || lastFocus.key !== key) {
      return;
    }
    const active = document.activeElement as HTMLElement | null;
    const lost =
      !active ||
      active === document.body ||
      !active.isConnected ||
      (active as HTMLButtonElement).disabled === true;
    if (!lost && active !== row) {
      return;
    }
    const controls = rowControls(row);
    const control =
      controls[Math.max(0, Math.min(lastFocus.index, controls.length - 1))];
    if (control) {
      control.focus();
    } else if (lost) {
      row.focus();
    }
  });
  const onFocus = (event: React.FocusEvent<HTMLLIElement>) => {
    const row = ref.current;
    if (!row) {
      return;
    }
    lastFocus.key = key;
    const index = rowControls(row).indexOf(event.target as HTMLElement);
    if (index >= 0) {
      lastFocus.index = index;
    }
  };
  return { ref, onFocus, tabIndex: -1 };
}

/**
 * Forget the focused row when the focus leaves the panel, so a row that
 * changes later does not take the focus back.
 */
export function forgetRowFocus(): void {
  lastFocus.key = null;
}
