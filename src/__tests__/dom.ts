/**
 * Helpers of the jest tests that drive real widgets in jsdom.
 */

/**
 * Resolve what `find` returns once it is truthy; fail after `timeout` ms.
 * (React renders and our requests settle asynchronously.)
 */
export async function waitFor<T>(
  find: () => T | null | undefined | false,
  timeout = 8000
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const found = find();
    if (found) {
      return found;
    }
    if (Date.now() - start > timeout) {
      throw new Error('timed out waiting');
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

/**
 * Type into a React-controlled input or textarea: set the value the way the
 * browser does (React ignores a plain assignment) and fire `input`.
 */
export function typeInto(element: Element, value: string): void {
  const proto =
    element instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(element, value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}
