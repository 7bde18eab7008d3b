/** The agent's event stream as plain text lines, for the command line and logs. Pure. */
import type { AgentEvent } from './types.ts';

/** Names a page for people, e.g. "report.pdf p. 3". */
export type PageLabel = (pageId: string) => string;

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max)}…` : text).replace(/\s+/g, ' ').trim();

export function traceLine(event: AgentEvent, label: PageLabel): string | null {
  switch (event.type) {
    case 'turn':
      return `— turn ${event.index + 1}`;
    case 'thought':
      return `  think: ${clip(event.text)}`;
    case 'search':
      return `  search: “${event.query}”`;
    case 'results': {
      const top = event.search.results.slice(0, 5).map((r) => label(r.pageId));
      const shown = event.search.shownPageId ? `shown ${label(event.search.shownPageId)}` : 'nothing new to show';
      return `  results: ${top.join(', ') || 'none'} → ${shown}`;
    }
    case 'image': {
      if (event.image.kind === 'page') return null;
      const r = event.image.region;
      return `  crop [${event.image.bbox?.join(', ')}] on ${label(event.image.pageId)} → region x=${Math.round(r.x)} y=${Math.round(r.y)} ${Math.round(r.width)}×${Math.round(r.height)}`;
    }
    case 'invalid':
      return `  invalid action (${event.reason}): ${event.problem}`;
    case 'answer':
      return `  answer: ${event.text}`;
    case 'error':
      return `  error: ${event.message}`;
    case 'end':
      return event.outcome.status === 'answered' ? null : `  ${event.outcome.message ?? event.outcome.status}`;
    default:
      return null;
  }
}
