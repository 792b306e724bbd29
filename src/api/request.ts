/**
 * Low-level calls to the server extension's REST API.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The URL namespace of the server extension.
 */
export const API_NAMESPACE = 'saturn-panel';

/**
 * The full URL of an API endpoint.
 *
 * @param endPoint - path below `{base_url}saturn-panel/`, already URL-quoted
 * @param settings - the server connection settings
 */
export function apiUrl(
  endPoint: string,
  settings: ServerConnection.ISettings
): string {
  return URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);
}

/**
 * Quote one path segment (a user, a server name, an id).
 */
export function quote(segment: string): string {
  return encodeURIComponent(segment);
}

/**
 * Call the API extension.
 *
 * @param endPoint - API path below `saturn-panel/`, already URL-quoted
 * @param init - initial values for the request
 * @param settings - the server connection settings
 * @returns the JSON answer (`null` for an empty body)
 * @throws {ServerConnection.ResponseError} with the server's `message`
 * @throws {ServerConnection.NetworkError} when the server cannot be reached
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = apiUrl(endPoint, settings);
  const response = await ServerConnection.makeRequest(url, init, settings);

  let data: unknown = null;
  const text = await response.text();
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      if (response.ok) {
        throw new ServerConnection.ResponseError(
          response,
          `Not a JSON response body: ${Private.shorten(text)}`
        );
      }
      // An error page that is not JSON (a proxy, an HTML 404): keep the status.
      data = null;
    }
  }

  if (!response.ok) {
    const body =
      typeof data === 'object' && data !== null
        ? (data as { message?: unknown; hint?: unknown; detail?: unknown })
        : {};
    throw new APIError(
      response,
      typeof body.message === 'string' ? body.message : undefined,
      typeof body.hint === 'string' ? body.hint : null,
      typeof body.detail === 'string' ? body.detail : null
    );
  }
  return data as T;
}

/**
 * An error answer of the API: `{"message", "hint"?, "detail"?}`.
 */
export class APIError extends ServerConnection.ResponseError {
  /**
   * Create the error.
   *
   * @param response - the HTTP response
   * @param message - the server's `message`
   * @param hint - the server's `hint` (how to fix it), if any
   * @param detail - the server's `detail` (for whoever configures the
   *   panel: the URL tried, the upstream's words), if any
   */
  constructor(
    response: Response,
    message: string | undefined,
    readonly hint: string | null,
    readonly detail: string | null = null
  ) {
    super(response, message);
  }
}

/**
 * The server's hint on how to fix an error thrown by `requestAPI`, if any.
 */
export function errorHint(error: unknown): string | null {
  return error instanceof APIError ? error.hint : null;
}

/**
 * The server's details of an error thrown by `requestAPI`, if any.
 */
export function errorDetail(error: unknown): string | null {
  return error instanceof APIError ? error.detail : null;
}

/**
 * The HTTP status of an error thrown by `requestAPI`, or null for other errors.
 */
export function errorStatus(error: unknown): number | null {
  if (error instanceof ServerConnection.ResponseError) {
    return error.response.status;
  }
  return null;
}

/**
 * A user-facing message for an error thrown by `requestAPI`.
 */
export function errorMessage(error: unknown, trans: TranslationBundle): string {
  if (error instanceof ServerConnection.NetworkError) {
    return trans.__(
      'The Jupyter server could not be reached. Check that it is running.'
    );
  }
  if (error instanceof ServerConnection.ResponseError) {
    const message = error.message;
    // `ResponseError` falls back to "Invalid response: 404 Not Found".
    return message || trans.__('Request failed (%1).', error.response.status);
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/**
 * The message of an error thrown by `requestAPI` followed by the server's
 * hint, for places with room for both (dialogs).
 */
export function errorDetails(error: unknown, trans: TranslationBundle): string {
  const hint = errorHint(error);
  const message = errorMessage(error, trans);
  return hint ? `${message} ${hint}` : message;
}

/**
 * A module-private namespace.
 */
namespace Private {
  /**
   * Cut a text for an error message.
   */
  export function shorten(text: string): string {
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  }
}
