/**
 * Prompt styles: how the agent talks to a policy. `vrag` is VRAG-RL's tag protocol, byte for byte
 * (for VRAG-trained checkpoints); `tools` is the reference's data-construction protocol for general
 * models (a tool-description system prompt and JSON replies). Both parse into the same actions.
 */
import { ANSWER_NOW, invalidActionObservation, parseReply, userPrompt, type Action, type ParsedReply } from './protocol.ts';
import { parseToolsReply, renderToolsReply, toolsInvalidObservation, toolsUserPrompt, TOOLS_ANSWER_NOW, TOOLS_SYSTEM_PROMPT } from './tools-protocol.ts';
import { isPromptStyle, PROMPT_STYLES, type PromptStyle } from '../schemas/prompt-style.ts';
import type { ChatMessage } from './types.ts';

export { isPromptStyle, PROMPT_STYLES, type PromptStyle };

export interface StyleProtocol {
  /** The conversation's opening messages for a question (with the answer-now note when one reply is all the budget allows). */
  opening(question: string, answerNow: boolean): ChatMessage[];
  parse(reply: string): ParsedReply;
  /** The observation after an invalid action. */
  invalid(problem: string): string;
  /** The note added before the last reply. */
  answerNow: string;
  /** A valid action as this style writes it (for a conversation shown to an expert of this style). */
  render(thought: string | null, action: Action): string;
}

const text = (t: string) => ({ type: 'text' as const, text: t });

export const STYLES: Record<PromptStyle, StyleProtocol> = {
  vrag: {
    opening: (question, answerNow) => [{ role: 'user', content: [text(userPrompt(question)), ...(answerNow ? [text(ANSWER_NOW)] : [])] }],
    parse: parseReply,
    invalid: invalidActionObservation,
    answerNow: ANSWER_NOW,
    render: renderVragReply,
  },
  tools: {
    opening: (question, answerNow) => [
      { role: 'system', content: [text(TOOLS_SYSTEM_PROMPT)] },
      { role: 'user', content: [text(toolsUserPrompt(question)), ...(answerNow ? [text(TOOLS_ANSWER_NOW)] : [])] },
    ],
    parse: parseToolsReply,
    invalid: toolsInvalidObservation,
    answerNow: TOOLS_ANSWER_NOW,
    render: renderToolsReply,
  },
};

/** A valid action re-tagged in the VRAG format (what cot_convert_sft.py writes): `<think>…</think>\n<search>…</search>`. */
export function renderVragReply(thought: string | null, action: Action): string {
  const think = `<think>${thought ?? ''}</think>\n`;
  switch (action.kind) {
    case 'search':
      return `${think}<search>${action.query}</search>`;
    case 'bbox':
      return `${think}<bbox>[${action.bbox.join(', ')}]</bbox>`;
    case 'answer':
      return `${think}<answer>${action.text}</answer>`;
  }
}
