/** Text from documents, models and questions goes into reports as text, never as markup. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Escapes text for Markdown: every character Markdown (CommonMark and GFM) or inline HTML could
 * read as syntax is backslash-escaped, and line breaks become spaces unless kept.
 */
export function escapeMarkdown(text: string, keepLines = false): string {
  const flat = keepLines ? text : text.replace(/\s*\r?\n\s*/g, ' ');
  return flat.replace(/[\\`*_{}[\]()<>#+\-.!|~&"]/g, (c) => `\\${c}`);
}

/** A CSV field: quoted when it holds a separator, quote or line break; a leading =, +, - or @ is defused for spreadsheets. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
