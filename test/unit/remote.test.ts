import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/agent/types.ts';
import { userPrompt } from '../../src/agent/protocol.ts';
import { STYLES } from '../../src/agent/styles.ts';
import { TOOLS_SYSTEM_PROMPT, toolsUserPrompt } from '../../src/agent/tools-protocol.ts';
import { AppError } from '../../src/errors.ts';
import { ActionCutter } from '../../src/policies/remote/cut.ts';
import { httpError, isMixedContent, notOpenAiError, serverDetail, unreachableError } from '../../src/policies/remote/http-errors.ts';
import { normalizeEndpoint, remoteSettings, QWEN25_VL_VISION } from '../../src/policies/remote/settings.ts';
import { SseParser, type SseEvent } from '../../src/policies/remote/sse.ts';
import {
  chatRequestBody,
  imageIds,
  parseCompletion,
  parseModelList,
  parseStreamData,
  toOpenAiMessages,
} from '../../src/policies/remote/wire.ts';

/** Feeds `text` to a fresh parser in pieces cut at `cuts`, then ends it. */
function parse(text: string, cuts: number[] = []): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    events.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  const stream = 'data: {"a":1}\n\n: keep-alive\n\ndata: {"b":2}\n\nevent: ping\ndata: x\ndata: y\n\ndata: [DONE]\n\n';
  const expected: SseEvent[] = [
    { event: 'message', data: '{"a":1}' },
    { event: 'message', data: '{"b":2}' },
    { event: 'ping', data: 'x\ny' },
    { event: 'message', data: '[DONE]' },
  ];

  it('reads several events per chunk, skips comments, joins multi-line data', () => {
    expect(parse(stream)).toEqual(expected);
  });

  it('gives the same events however the stream is split, byte by byte included', () => {
    for (let cut = 1; cut < stream.length; cut++) expect(parse(stream, [cut])).toEqual(expected);
    expect(parse(stream, Array.from({ length: stream.length }, (_, i) => i))).toEqual(expected);
  });

  it('accepts CRLF and lone CR line ends, also when a CRLF is split between chunks', () => {
    const crlf = stream.replaceAll('\n', '\r\n');
    const cr = stream.replaceAll('\n', '\r');
    for (let cut = 1; cut < crlf.length; cut++) expect(parse(crlf, [cut])).toEqual(expected);
    for (let cut = 1; cut < cr.length; cut++) expect(parse(cr, [cut])).toEqual(expected);
  });

  it('follows the field rules: one optional space after the colon, a bare field name, a leading BOM', () => {
    expect(parse('\uFEFFdata:no-space\n\n')).toEqual([{ event: 'message', data: 'no-space' }]);
    expect(parse('data:  two\n\n')).toEqual([{ event: 'message', data: ' two' }]);
    expect(parse('data\ndata: x\n\n')).toEqual([{ event: 'message', data: '\nx' }]);
    expect(parse('id: 7\nretry: 10\n\n')).toEqual([]); // no data, no event
  });

  it('delivers a last event that lacks its blank line when the stream ends', () => {
    expect(parse('data: {"a":1}\n\ndata: [DONE]')).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'message', data: '[DONE]' },
    ]);
    expect(parse('data: [DONE]\r')).toEqual([{ event: 'message', data: '[DONE]' }]);
  });
});

describe('remote settings', () => {
  it('normalises pasted endpoints to the API base URL', () => {
    expect(normalizeEndpoint(' http://gpu:8000/v1/ ')).toBe('http://gpu:8000/v1');
    expect(normalizeEndpoint('http://gpu:8000/v1/chat/completions')).toBe('http://gpu:8000/v1');
    expect(normalizeEndpoint('https://api.example.com')).toBe('https://api.example.com');
    expect(() => normalizeEndpoint('gpu:8000')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeEndpoint('not a url')).toThrow(/not a URL/);
    expect(() => normalizeEndpoint('http://gpu/v1?x=1')).toThrow(AppError);
  });

  it('defaults to Qwen2.5-VL absolute boxes and checks numbers', () => {
    const s = remoteSettings({ endpoint: 'http://gpu:8000/v1/', model: ' vrag ', apiKey: '  ' });
    expect(s).toEqual({ endpoint: 'http://gpu:8000/v1', model: 'vrag', vision: QWEN25_VL_VISION, maxTokens: 512, temperature: 0 });
    expect(QWEN25_VL_VISION.convention).toBe('absolute');
    expect(() => remoteSettings({ endpoint: 'http://a/v1', model: '' })).toThrow(/model name/);
    expect(() => remoteSettings({ endpoint: 'http://a/v1', model: 'm', maxTokens: 0 })).toThrow(/Max tokens/);
    expect(() => remoteSettings({ endpoint: 'http://a/v1', model: 'm', temperature: -1 })).toThrow(/Temperature/);
  });
});

describe('wire format', () => {
  const conversation: ChatMessage[] = [
    { role: 'user', content: [{ type: 'text', text: userPrompt('Q?') }] },
    { role: 'assistant', content: [{ type: 'text', text: '<think>t</think>\n<search>q</search>' }] },
    { role: 'user', content: [{ type: 'image', imageId: 'img1' }] },
    { role: 'assistant', content: [{ type: 'text', text: '<think>t</think>\n<bbox>[1, 2, 3, 4]</bbox>' }] },
    { role: 'user', content: [{ type: 'image', imageId: 'img2' }, { type: 'text', text: 'answer now' }] },
  ];

  it('user turns are content parts, images are image_url parts, assistant turns are strings', () => {
    expect(imageIds(conversation)).toEqual(['img1', 'img2']);
    const messages = toOpenAiMessages(conversation, (id) => `data:image/png;base64,${id}`);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: userPrompt('Q?') }] },
      { role: 'assistant', content: '<think>t</think>\n<search>q</search>' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,img1' } }] },
      { role: 'assistant', content: '<think>t</think>\n<bbox>[1, 2, 3, 4]</bbox>' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,img2' } },
          { type: 'text', text: 'answer now' },
        ],
      },
    ]);
    expect(() => toOpenAiMessages(conversation, () => undefined)).toThrow(/img1, which is missing/);
  });

  it("the tools style's system prompt goes out as a system message, not as a user turn", () => {
    const messages = toOpenAiMessages(STYLES.tools.opening('Q?', false), () => undefined);
    expect(messages[0]).toEqual({ role: 'system', content: TOOLS_SYSTEM_PROMPT });
    expect(messages[1]).toEqual({ role: 'user', content: [{ type: 'text', text: toolsUserPrompt('Q?') }] });
    expect(messages.filter((m) => m.role === 'system')).toHaveLength(1);
  });

  it('the request streams, with the settings, and stop strings only when given', () => {
    const settings = remoteSettings({ endpoint: 'http://a/v1', model: 'vrag', maxTokens: 300, temperature: 0.5 });
    expect(chatRequestBody(settings, [])).toEqual({ model: 'vrag', messages: [], max_tokens: 300, temperature: 0.5, stream: true });
    expect(chatRequestBody({ ...settings, stop: ['<|im_end|>'] }, []).stop).toEqual(['<|im_end|>']);
  });

  it('reads stream chunks: deltas, role-only and usage chunks, finish reasons, [DONE], errors', () => {
    const chunk = (delta: object, finish: string | null = null) =>
      JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
    expect(parseStreamData(chunk({ role: 'assistant', content: '' }))).toEqual({ kind: 'delta', text: '', finishReason: null });
    expect(parseStreamData(chunk({ content: '<think>' }))).toEqual({ kind: 'delta', text: '<think>', finishReason: null });
    expect(parseStreamData(chunk({}, 'length'))).toEqual({ kind: 'delta', text: '', finishReason: 'length' });
    expect(parseStreamData('{"choices":[],"usage":{"completion_tokens":3}}')).toEqual({ kind: 'delta', text: '', finishReason: null });
    expect(parseStreamData(' [DONE]')).toEqual({ kind: 'done' });
    expect(parseStreamData('{"error":{"message":"out of memory","type":"InternalServerError"}}')).toEqual({
      kind: 'error',
      message: 'out of memory',
    });
    expect(parseStreamData('{"object":"error","message":"bad","code":400}')).toEqual({ kind: 'error', message: 'bad' });
    expect(parseStreamData('{"detail":"Not Found"}')).toEqual({ kind: 'error', message: 'Not Found' });
    expect(parseStreamData('<html>')).toBeNull();
    expect(parseStreamData('{"hello":"world"}')).toBeNull();
  });

  it('reads whole completions and model lists', () => {
    const completion = { choices: [{ index: 0, message: { role: 'assistant', content: '<answer>x</answer>' }, finish_reason: 'stop' }] };
    expect(parseCompletion(JSON.stringify(completion))).toEqual({ text: '<answer>x</answer>', finishReason: 'stop' });
    expect(parseCompletion('{"choices":[]}')).toBeNull();
    expect(parseCompletion('<!doctype html>')).toBeNull();
    expect(parseModelList('{"object":"list","data":[{"id":"vrag","object":"model"},{"id":"b"}]}')).toEqual(['vrag', 'b']);
    expect(parseModelList('[]')).toBeNull();
  });
});

describe('remote errors', () => {
  const context = { origin: 'http://gpu:8000', model: 'vrag', appOrigin: 'http://localhost:5173' };
  const cases: [number, string, RegExp][] = [
    [401, '{"error":{"message":"Incorrect API key"}}', /refused the request \(HTTP 401: Incorrect API key\)\. Check the API key\./],
    [403, '', /HTTP 403\)\. Check the API key/],
    [404, '{"object":"error","message":"The model `x` does not exist.","code":404}', /model "vrag" .*does not exist.*Check the endpoint URL .* and the model name/],
    [429, 'slow down', /busy \(HTTP 429: slow down\)\. Wait a moment and try again/],
    [503, '<html><body>Service Unavailable</body></html>', /failed or is overloaded \(HTTP 503: Service Unavailable\)\. Try again/],
    [400, '{"error":{"message":"At most 1 image(s) may be provided in one request."}}', /--limit-mm-per-prompt/],
    [418, '', /answered with an error \(HTTP 418\)/],
  ];

  it('each HTTP status says what to check', () => {
    for (const [status, body, message] of cases) {
      const error = httpError(context, status, body);
      expect(error).toBeInstanceOf(AppError);
      expect(error.message).toMatch(message);
      expect(error.code).toBe(status === 401 || status === 403 ? 'remote-auth' : 'remote-failed');
    }
  });

  it('unreachable servers mention the address and CORS; wrong APIs mention the endpoint', () => {
    const down = unreachableError(context, new TypeError('Failed to fetch'));
    expect(down.code).toBe('remote-unreachable');
    expect(down.message).toMatch(/Could not reach the model server at http:\/\/gpu:8000\..*\(http:\/\/localhost:5173\) \(CORS/);
    expect(notOpenAiError(context, 'text/html').message).toMatch(/not like an OpenAI-compatible API \(text\/html\)\. Check that the endpoint URL/);
    expect(serverDetail('x'.repeat(300))).toHaveLength(201);
  });

  it('an HTTPS page calling a plain-HTTP server off this machine is told about mixed content', () => {
    expect(isMixedContent('https://app.example', 'http://gpu:8000')).toBe(true);
    expect(isMixedContent('https://app.example', 'http://127.0.0.1:8000')).toBe(false);
    expect(isMixedContent('https://app.example', 'http://localhost:8000')).toBe(false);
    expect(isMixedContent('https://app.example', 'https://gpu:8000')).toBe(false);
    expect(isMixedContent('http://localhost:5173', 'http://gpu:8000')).toBe(false);
    const error = unreachableError({ ...context, appOrigin: 'https://app.example' }, new TypeError('Failed to fetch'));
    expect(error.code).toBe('remote-unreachable');
    expect(error.message).toMatch(/served over HTTPS, so the browser blocks the plain-HTTP model server at http:\/\/gpu:8000/);
  });
});

describe('ActionCutter', () => {
  it('passes text through until the first action closes, then keeps nothing more', () => {
    const seen: string[] = [];
    const cutter = new ActionCutter((t) => seen.push(t));
    const pieces = ['<think>find it', '</think>\n<sea', 'rch>market</sea', 'rch>\n<answer>', 'made up'];
    const results = pieces.map((p) => cutter.push(p));
    expect(results).toEqual([false, false, false, true, true]);
    expect(seen).toEqual(['<think>find it', '</think>\n<sea', 'rch>market</sea', 'rch>']);
    expect(cutter.reply).toBe('<think>find it</think>\n<search>market</search>');
    expect(cutter.wasCut).toBe(true);
  });

  it('a reply without an action is kept whole', () => {
    const cutter = new ActionCutter(() => {});
    cutter.push('<think>hmm');
    cutter.push('');
    cutter.push('</think> no action');
    expect(cutter.reply).toBe('<think>hmm</think> no action');
    expect(cutter.wasCut).toBe(false);
  });
});
