/**
 * An incremental `text/event-stream` parser.
 *
 * It follows the WHATWG "server-sent events" interpretation rules: lines end
 * with `\r\n`, `\n` or `\r`; a blank line dispatches the event being built;
 * lines starting with `:` are comments; `data:` lines are joined with `\n`;
 * a single space after the colon is dropped. Chunks may be cut anywhere,
 * including between the `\r` and `\n` of one line ending.
 */

/**
 * One dispatched server-sent event.
 */
export interface IServerSentEvent {
  /**
   * The event name (`event:` field), `'message'` when the stream gave none.
   */
  readonly event: string;
  /**
   * The data lines joined with `\n`.
   */
  readonly data: string;
  /**
   * The last event id seen so far (`id:` field), `''` when none.
   */
  readonly id: string;
}

/**
 * A parser that is fed text chunks and returns the events they complete.
 */
export class EventStreamParser {
  /**
   * The last `retry:` value (milliseconds) the stream asked for, or null.
   */
  get retry(): number | null {
    return this._retry;
  }

  /**
   * The number of comment lines seen (e.g. `: keepalive`).
   */
  get comments(): number {
    return this._comments;
  }

  /**
   * Feed a chunk of text; returns the events completed by it, in order.
   */
  feed(chunk: string): IServerSentEvent[] {
    const events: IServerSentEvent[] = [];
    let text = chunk;
    if (this._atStart && text.length > 0) {
      this._atStart = false;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (
        c === '\n' &&
        this._skipLineFeed &&
        i === start &&
        this._buffer === ''
      ) {
        // The `\n` of a `\r\n` pair cut by a chunk boundary.
        this._skipLineFeed = false;
        start = i + 1;
        continue;
      }
      this._skipLineFeed = false;
      if (c === '\r' || c === '\n') {
        const line = this._buffer + text.slice(start, i);
        this._buffer = '';
        if (c === '\r') {
          if (i + 1 < text.length) {
            if (text[i + 1] === '\n') {
              i++;
            }
          } else {
            this._skipLineFeed = true;
          }
        }
        start = i + 1;
        const event = this._processLine(line);
        if (event) {
          events.push(event);
        }
      }
    }
    this._buffer += text.slice(start);
    return events;
  }

  /**
   * Reset the parser for a new connection. An event that was not terminated
   * by a blank line is discarded, as the specification requires.
   */
  reset(): void {
    this._buffer = '';
    this._data = [];
    this._eventName = '';
    this._skipLineFeed = false;
    this._atStart = true;
  }

  /**
   * Interpret one complete line.
   */
  private _processLine(line: string): IServerSentEvent | null {
    if (line === '') {
      return this._dispatch();
    }
    if (line[0] === ':') {
      this._comments++;
      return null;
    }
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value[0] === ' ') {
        value = value.slice(1);
      }
    }
    switch (field) {
      case 'event':
        this._eventName = value;
        break;
      case 'data':
        this._data.push(value);
        break;
      case 'id':
        if (value.indexOf('\0') === -1) {
          this._lastEventId = value;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this._retry = parseInt(value, 10);
        }
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
    return null;
  }

  /**
   * Dispatch the event being built, if it has data.
   */
  private _dispatch(): IServerSentEvent | null {
    const data = this._data;
    const name = this._eventName;
    this._data = [];
    this._eventName = '';
    if (data.length === 0) {
      // A blank line with no data (e.g. a keepalive) dispatches nothing.
      return null;
    }
    return {
      event: name || 'message',
      data: data.join('\n'),
      id: this._lastEventId
    };
  }

  private _buffer = '';
  private _data: string[] = [];
  private _eventName = '';
  private _lastEventId = '';
  private _retry: number | null = null;
  private _comments = 0;
  private _skipLineFeed = false;
  private _atStart = true;
}
