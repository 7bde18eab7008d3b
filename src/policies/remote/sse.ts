/**
 * Server-Sent Events from a streamed chat completion, parsed by eventsource-parser. Its only
 * additions: a last event that lacks its closing blank line is still delivered when the stream
 * ends (servers that close the connection right after their final chunk do this), and a byte order
 * mark opening the stream is dropped, as the SSE specification says (eventsource-parser 3, the
 * line that runs on Node 20, does not).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` field; 'message' when absent. */
  event: string;
  /** The `data:` lines joined with '\n'. */
  data: string;
}

export class SseParser {
  private pending: SseEvent[] = [];
  private started = false;
  private readonly parser = createParser({
    onEvent: (message: EventSourceMessage) => this.pending.push({ event: message.event ?? 'message', data: message.data }),
  });

  /** Feeds decoded text; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    if (!this.started && chunk !== '') {
      this.started = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    this.parser.feed(chunk);
    return this.take();
  }

  /** Ends the stream, closing an unterminated last event. */
  end(): SseEvent[] {
    // Blank lines after a complete event dispatch nothing; after an unterminated one they end it.
    this.parser.feed('\n\n');
    this.parser.reset();
    return this.take();
  }

  private take(): SseEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
