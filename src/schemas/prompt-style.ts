/**
 * Prompt styles, the names only: `vrag` (VRAG-RL's tags, for VRAG-trained checkpoints) and `tools`
 * (the tool-description prompt with JSON replies, for general instruction-tuned models). Below the
 * agent, so settings and trajectory files check them without importing the agent (src/agent/styles.ts
 * says how each style talks).
 */
import * as v from 'valibot';

export const PROMPT_STYLES = ['vrag', 'tools'] as const;

export const PromptStyleSchema = v.picklist(PROMPT_STYLES, 'should be "vrag" or "tools"');

export type PromptStyle = v.InferOutput<typeof PromptStyleSchema>;

export function isPromptStyle(value: unknown): value is PromptStyle {
  return v.is(PromptStyleSchema, value);
}
