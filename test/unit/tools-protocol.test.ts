import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/agent/protocol.ts';
import { renderVragReply, STYLES } from '../../src/agent/styles.ts';
import { extractJsonObject, parseToolsReply, renderToolsReply, toolsInvalidObservation, TOOLS_SYSTEM_PROMPT } from '../../src/agent/tools-protocol.ts';

describe('the tools prompt style', () => {
  it("opens with the reference's tool-description system prompt and 'Question: …'", () => {
    const [system, user] = STYLES.tools.opening('How many?', false);
    expect(system).toEqual({ role: 'system', content: [{ type: 'text', text: TOOLS_SYSTEM_PROMPT }] });
    expect(user).toEqual({ role: 'user', content: [{ type: 'text', text: 'Question: How many?' }] });
    expect(TOOLS_SYSTEM_PROMPT.startsWith('## Character Introduction\nYou are an intelligent assistant capable of performing searches')).toBe(true);
    // The reference's own spacing: two trailing spaces after some tool lines.
    expect(TOOLS_SYSTEM_PROMPT).toContain('1. search:  \n   - Collect relevant information based on the query.  \n');
    expect(TOOLS_SYSTEM_PROMPT).toContain('{\n    "think": ...,\n    "bbox": [x1, y1, x2, y2],\n    "description": the cropped content ...\n}');
    expect(TOOLS_SYSTEM_PROMPT.endsWith('{\n    "think": ...,\n    "answer": ...\n}\n```\n')).toBe(true);
    // The VRAG style is untouched: one user turn with the VRAG prompt.
    expect(STYLES.vrag.opening('How many?', false)).toEqual([{ role: 'user', content: [{ type: 'text', text: expect.stringMatching(/^Answer the given question\. .*Question: How many\?$/s) }] }]);
  });

  it('parses the three JSON replies into the same actions as the VRAG tags', () => {
    expect(parseToolsReply('{"think": "need it", "search": "cloud market"}')).toEqual({
      thought: 'need it',
      action: { kind: 'search', query: 'cloud market' },
      invalid: null,
      kept: '{"think": "need it", "search": "cloud market"}',
    });
    expect(parseToolsReply('{"think": "the table", "bbox": [10, 20, 300, 400], "description": "table"}').action).toEqual({ kind: 'bbox', bbox: [10, 20, 300, 400] });
    expect(parseToolsReply('{"think": "done", "answer": "13.0%"}').action).toEqual({ kind: 'answer', text: '13.0%' });
    expect(parseToolsReply('{"think": "done", "answer": 42}').action).toEqual({ kind: 'answer', text: '42' });
    for (const reply of ['{"think": "t", "search": "q"}', '{"think": "t", "bbox": [1, 2, 3, 4]}', '{"think": "t", "answer": "a"}']) {
      const tools = parseToolsReply(reply);
      expect(parseReply(renderVragReply(tools.thought, tools.action!)).action).toEqual(tools.action);
      expect(parseToolsReply(renderToolsReply(tools.thought, tools.action!)).action).toEqual(tools.action);
    }
  });

  it('recovers a JSON object inside code fences or with text around it, keeping only the object', () => {
    const fenced = 'Sure.\n```json\n{\n  "think": "look",\n  "search": "India CAGR"\n}\n```';
    expect(parseToolsReply(fenced)).toMatchObject({ action: { kind: 'search', query: 'India CAGR' }, kept: '{\n  "think": "look",\n  "search": "India CAGR"\n}' });
    const trailing = '{"think": "a } in a string", "answer": "7"} I hope this helps! {not json}';
    expect(parseToolsReply(trailing)).toMatchObject({ action: { kind: 'answer', text: '7' }, kept: '{"think": "a } in a string", "answer": "7"}' });
    expect(extractJsonObject('prefix {"think": "x", "search": "y"}')?.value).toEqual({ think: 'x', search: 'y' });
  });

  it('a reply with no valid object, or no tool in it, is an invalid action with a sentence for the model', () => {
    expect(parseToolsReply('{"think": "unclosed", "search": "q"')).toMatchObject({ action: null, invalid: { reason: 'no-action' }, kept: '{"think": "unclosed", "search": "q"' });
    expect(parseToolsReply('<think>x</think><search>q</search>')).toMatchObject({ action: null, invalid: { reason: 'no-action' } });
    expect(parseToolsReply('{"think": "hmm"}')).toMatchObject({ thought: 'hmm', action: null, invalid: { reason: 'no-action', problem: expect.stringMatching(/no "search", "bbox" or "answer"/) } });
    expect(parseToolsReply('{"think": "t", "search": ""}').invalid?.reason).toBe('empty-search');
    expect(parseToolsReply('{"think": "t", "answer": "  "}').invalid?.reason).toBe('empty-answer');
    expect(parseToolsReply('{"think": "t", "bbox": [5, 5, 2, 9]}').invalid).toMatchObject({ reason: 'bad-bbox', problem: expect.stringMatching(/x2 > x1/) });
    expect(parseToolsReply('{"think": "t", "bbox": "0,0,1,1"}').invalid?.reason).toBe('bad-bbox');
    expect(toolsInvalidObservation('The answer is empty.')).toMatch(/^Your previous action is invalid\. The answer is empty\. You must reply with exactly one JSON object/);
  });
});
