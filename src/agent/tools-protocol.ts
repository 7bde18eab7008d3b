/**
 * The `tools` prompt style: VRAG-RL's data-construction protocol for general instruction-tuned VLMs
 * (`VRAG-RL/scripts/data_construct_pipeline.py`). A system prompt describes three tools (search,
 * crop, answer) and the model replies with one JSON object:
 * `{"think": …, "search": …}`, `{"think": …, "bbox": [x1, y1, x2, y2], "description": …}` or
 * `{"think": …, "answer": …}`. Replies parse into the same actions as the VRAG tags. Pure.
 */
import { parseBBox, type Action, type InvalidReason, type ParsedReply } from './protocol.ts';

/** The reference's system prompt (`prompt_inst`), byte for byte. */
export const TOOLS_SYSTEM_PROMPT = `## Character Introduction
You are an intelligent assistant capable of performing searches and providing precise answers to user queries. You need to think step by step and provide actions. Your thought should be as detailed as you can. When you cannot answer a question, please use search tool to search for more relevant information. If you think that a specific region of the last image could help answer the question, please use crop tool to provide a detailed view of the relevant region. Once you have gathered enough information to answer the question, provide your response immediately.

### Available Tools
1. search:  
   - Collect relevant information based on the query.  
   - Parameters: The keywords or question to search for.  
   - Returns: Search results for query.

2. crop:
   - Crop the last image based on the user's query.
   - Parameters: The crop region of the image.
   - Returns: Cropped image.

3. answer:  
   - Respond directly to the user based on search results.  
   - Parameters: The response to the user's query.  

### Requirements
- Ensure tool usage is precise and queries are well-formulated.
- Provide accurate and well-structured answers to user queries.
- Iterate search attempts if initial results are insufficient.
- Follow the response format.


### Reply Format
You **must** response with the following json format:
When you need to search, you need to provide the search query in the following format:
\`\`\`
{
    "think": ...,
    "search": ...
}
\`\`\`
When you need to crop the image, you need to provide the following format:
For tables, charts, or any visual elements, please use bounding boxes to completely encapsulate them.
\`\`\`
{
    "think": ...,
    "bbox": [x1, y1, x2, y2],
    "description": the cropped content ...
}
\`\`\`
When you have gathered enough information to answer the question, provide your response immediately:
\`\`\`
{
    "think": ...,
    "answer": ...
}
\`\`\`
`;

/** The reference's first user turn (`prompt_user_start`). */
export function toolsUserPrompt(question: string): string {
  return `Question: ${question}`;
}

/** What the grounding expert is told with the page a search found (the reference's words). */
export const GROUNDING_HINT =
  'You should call crop tool to crop this image. The selected area must be complete and can be larger than the area that needs attention.';

/** Added to the observation before the last reply the budget allows. */
export const TOOLS_ANSWER_NOW = 'Please answer the question now with the answer tool: {"think": ..., "answer": ...}';

/** The observation after a reply that holds no valid tool call. */
export function toolsInvalidObservation(problem: string): string {
  return (
    `Your previous action is invalid. ${problem} ` +
    'You must reply with exactly one JSON object: {"think": ..., "search": ...} to search, ' +
    '{"think": ..., "bbox": [x1, y1, x2, y2], "description": ...} to crop the last image ' +
    '(four non-negative numbers with x1 < x2 and y1 < y2), or {"think": ..., "answer": ...} to answer. Please try again.'
  );
}

/** A tool call as the model would write it (what stays in a `tools` conversation when it is rendered from an action). */
export function renderToolsReply(thought: string | null, action: Action): string {
  const think = thought ?? '';
  switch (action.kind) {
    case 'search':
      return JSON.stringify({ think, search: action.query });
    case 'bbox':
      return JSON.stringify({ think, bbox: [...action.bbox] });
    case 'answer':
      return JSON.stringify({ think, answer: action.text });
  }
}

/**
 * Every balanced `{…}` span of `text` (strings and escapes respected), outermost first, in order.
 * Lets a reply with prose or code fences around its JSON object still parse.
 */
function objectSpans(text: string): string[] {
  const spans: string[] = [];
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        spans.push(text.slice(start, i + 1));
        break;
      }
    }
  }
  return spans;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first JSON object of a reply (the whole reply, then code fences' contents, then any `{…}` span) and its source. */
export function extractJsonObject(reply: string): { value: Record<string, unknown>; source: string } | null {
  const candidates = [reply.trim()];
  for (const fence of reply.matchAll(/```(?:json)?\s*([\s\S]*?)```/g)) candidates.push(fence[1]!.trim());
  candidates.push(...objectSpans(reply));
  for (const source of candidates) {
    try {
      const value: unknown = JSON.parse(source);
      if (isObject(value)) return { value, source };
    } catch {
      // not this one
    }
  }
  return null;
}

const TOOL_KEYS = ['answer', 'search', 'bbox'] as const;

/** Parses a `tools` reply into the protocol's action (the reference checks answer, then search, then bbox). */
export function parseToolsReply(reply: string): ParsedReply {
  const found = extractJsonObject(reply);
  if (!found) {
    return invalid(null, reply.trim(), 'no-action', 'It contains no JSON object with a "search", "bbox" or "answer" field.');
  }
  const { value, source } = found;
  const kept = source;
  const thought = typeof value.think === 'string' ? value.think.trim() : value.think === undefined ? null : JSON.stringify(value.think);
  const key = TOOL_KEYS.find((k) => k in value);
  if (!key) return invalid(thought, kept, 'no-action', 'Its JSON object has no "search", "bbox" or "answer" field.');
  const field = value[key];
  if (key === 'answer') {
    const text = typeof field === 'string' ? field.trim() : typeof field === 'number' || typeof field === 'boolean' ? String(field) : Array.isArray(field) ? field.map(String).join(', ') : '';
    if (!text) return invalid(thought, kept, 'empty-answer', 'The answer is empty.');
    return { thought, action: { kind: 'answer', text }, invalid: null, kept };
  }
  if (key === 'search') {
    const query = typeof field === 'string' ? field.trim() : '';
    if (!query) return invalid(thought, kept, 'empty-search', 'The search query is empty or not a string.');
    return { thought, action: { kind: 'search', query }, invalid: null, kept };
  }
  const bbox = parseBBox(JSON.stringify(field ?? null));
  if (typeof bbox === 'string') return invalid(thought, kept, 'bad-bbox', bbox);
  return { thought, action: { kind: 'bbox', bbox }, invalid: null, kept };
}

function invalid(thought: string | null, kept: string, reason: InvalidReason, problem: string): ParsedReply {
  return { thought, action: null, invalid: { reason, problem }, kept };
}
