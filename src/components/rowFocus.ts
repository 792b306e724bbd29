/**
 * Keyboard use of the panel, as in JupyterLab's file browser: arrow keys move
 * between rows and across sections, the filter leads to the first row, and
 * the focus stays in a row whose button went away (Start becomes Stop)
 * instead of falling to the page.
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
 * The filter box of the panel's header.
 */
const FILTER = '.jp-SaturnPanel-filter input';

/**
 * A section of the panel as the keyboard walks it: its title (the
 * accordion's heading, a tab stop) and, when expanded, its rows.
 */
interface IWalkSection {
  readonly title: HTMLElement;
  readonly rows: HTMLElement[];
}

/**
 * The panel's sections in their order on screen, each with its title and
 * the rows of its body when expanded (none when collapsed).
 */
function walkSections(panel: HTMLElement): IWalkSection[] {
  const titles = Array.from(
    panel.querySelectorAll<HTMLElement>('.lm-AccordionPanel-title')
  );
  return titles.map(title => {
    const id = title.getAttribute('aria-controls');
    const body = id ? document.getElementById(id) : null;
    const expanded =
      title.getAttribute('aria-expanded') === 'true' &&
      !!body &&
      !body.classList.contains('lm-mod-hidden');
    const rows =
      expanded && body
        ? Array.from(body.querySelectorAll<HTMLElement>('.jp-SaturnPanel-row'))
        : [];
    return { title, rows };
  });
}

/**
 * Focus a row at a control: the one at `column` (or the nearest, as in a
 * grid), else the row itself.
 */
function focusRow(row: HTMLElement, column = 0): void {
  const controls = rowControls(row);
  const control = controls[Math.max(0, Math.min(column, controls.length - 1))];
  (control ?? row).focus();
  (control ?? row).scrollIntoView?.({ block: 'nearest' }); // absent in jsdom
}

/**
 * Focus an element (a title, the filter) and bring it into view.
 */
function focusElement(element: HTMLElement): void {
  element.focus();
  element.scrollIntoView?.({ block: 'nearest' }); // absent in jsdom
}

/**
 * The first row of the panel: the first row of the first expanded section
 * that has one.
 */
export function firstRow(panel: HTMLElement): HTMLElement | null {
  for (const section of walkSections(panel)) {
    if (section.rows.length > 0) {
      return section.rows[0];
    }
  }
  return null;
}

/**
 * The panel's keyboard, one sequence from the filter down (WAI-ARIA
 * treegrid practice, sections as parent rows):
 *
 * - in the filter, Tab or ↓ goes to the first row (Shift Tab goes back to
 *   the controls between them: refresh, section titles, create buttons);
 * - on a section's title, ↓ goes into its rows when it is expanded (else to
 *   the next title), ↑ to the previous section's last row (or its title
 *   when collapsed), and from the first title to the filter;
 * - in a row, ↑/↓ move to the previous or next row at the same control (a
 *   column, as in a grid), and past a section's first or last row to its
 *   title or the next section's title; Home and End go to the section's
 *   first and last row.
 *
 * Returns whether it handled the key (the caller prevents the default).
 * Titles must be handled before the accordion's own listener (which moves
 * between titles only): call it in the capture phase for them.
 */
export function onPanelKeyDown(
  panel: HTMLElement,
  event: KeyboardEvent
): boolean {
  if (
    event.defaultPrevented ||
    event.altKey ||
    event.ctrlKey ||
    event.metaKey
  ) {
    return false;
  }
  const target = event.target as HTMLElement | null;
  if (!target || !panel.contains(target)) {
    return false;
  }
  const key = event.key;
  // The filter: Tab or ↓ to the first row.
  if (target.matches(FILTER)) {
    if ((key === 'Tab' && !event.shiftKey) || key === 'ArrowDown') {
      const row = firstRow(panel);
      if (row) {
        focusRow(row);
        return true;
      }
      const title = walkSections(panel)[0]?.title;
      if (key === 'ArrowDown' && title) {
        focusElement(title);
        return true;
      }
    }
    return false;
  }
  if (event.shiftKey) {
    return false;
  }
  if (
    key !== 'ArrowDown' &&
    key !== 'ArrowUp' &&
    key !== 'Home' &&
    key !== 'End'
  ) {
    return false;
  }
  if (
    target.closest('input, textarea, select, [role="menu"], [role="listbox"]')
  ) {
    return false;
  }
  const sections = walkSections(panel);
  // A section's title (or a button in it).
  const titleIndex = sections.findIndex(s => s.title.contains(target));
  if (titleIndex >= 0) {
    const section = sections[titleIndex];
    if (key === 'ArrowDown') {
      if (section.rows.length > 0) {
        focusRow(section.rows[0]);
      } else if (titleIndex + 1 < sections.length) {
        focusElement(sections[titleIndex + 1].title);
      }
      return true; // the last title stays (the accordion would loop)
    }
    if (key === 'ArrowUp') {
      const previous = sections[titleIndex - 1];
      if (!previous) {
        const filter = panel.querySelector<HTMLElement>(FILTER);
        if (filter) {
          focusElement(filter);
        }
      } else if (previous.rows.length > 0) {
        focusRow(previous.rows[previous.rows.length - 1]);
      } else {
        focusElement(previous.title);
      }
      return true;
    }
    return false; // Home and End: the accordion's first and last title
  }
  // A row.
  const row = target.closest<HTMLElement>('.jp-SaturnPanel-row');
  if (!row) {
    return false;
  }
  const sectionIndex = sections.findIndex(s => s.rows.includes(row));
  if (sectionIndex < 0) {
    return false;
  }
  const rows = sections[sectionIndex].rows;
  const here = rows.indexOf(row);
  const column = Math.max(0, rowControls(row).indexOf(target));
  let next: HTMLElement | undefined;
  if (key === 'Home') {
    next = rows[0];
  } else if (key === 'End') {
    next = rows[rows.length - 1];
  } else if (key === 'ArrowDown') {
    next = rows[here + 1];
    if (!next) {
      const following = sections[sectionIndex + 1];
      if (following) {
        focusElement(following.title);
      }
      return true;
    }
  } else {
    next = rows[here - 1];
    if (!next) {
      focusElement(sections[sectionIndex].title);
      return true;
    }
  }
  if (next && next !== row) {
    focusRow(next, column);
  }
  return true;
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
