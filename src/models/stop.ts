/** Stop strings as data (as web-llm and OpenAI-style servers take them). Pure. */

/** Where the first occurrence of any stop string ends in `text` (just after it), or -1. */
export function endOfFirstStop(text: string, stops: readonly string[]): number {
  let end = -1;
  for (const stop of stops) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (end < 0 || at + stop.length < end)) end = at + stop.length;
  }
  return end;
}
