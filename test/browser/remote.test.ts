import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { runEpisode } from '../../src/agent/episode.ts';
import { userPrompt } from '../../src/agent/protocol.ts';
import type { AgentEvent, PolicyRequest } from '../../src/agent/types.ts';
import { AppError } from '../../src/errors.ts';
import { listRemoteModels } from '../../src/policies/remote/models-list.ts';
import { RemotePolicy } from '../../src/policies/remote/policy.ts';
import { EndpointRelay } from '../../src/policies/remote/relay-client.ts';
import { startPerceptionWorker } from '../../src/perception/client.ts';
import { APP_WORKERS } from '../../src/session/workers.ts';
import type { OpenAiServerOptions } from '../support/openai-server.ts';
import { FixedRankingRetriever } from '../support/scripted.ts';

const server = {
  start: (options: OpenAiServerOptions) => commands.openAiServer({ op: 'start', options }),
  requests: () => commands.openAiServer({ op: 'requests' }),
  stop: () => commands.openAiServer({ op: 'stop' }),
};
const perception = startPerceptionWorker(APP_WORKERS.perception);
// What a session does: the page's requests to the endpoint go through a relay worker it owns.
const relay = new EndpointRelay(APP_WORKERS.remote);
const send = (url: string, init: RequestInit) => relay.fetch(url, init);
afterAll(async () => {
  perception.terminate();
  relay.close();
  await server.stop();
});

const MODEL = 'vrag-rl-7b';
const QUESTION = 'What share of the travel market is online?';
let baseUrl = '';
async function serve(options: OpenAiServerOptions): Promise<RemotePolicy> {
  ({ baseUrl } = await server.start(options));
  return new RemotePolicy({ endpoint: baseUrl, model: MODEL, ...(options.apiKey ? { apiKey: options.apiKey } : {}) }, send);
}
beforeEach(() => {
  baseUrl = '';
});

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    messages: [{ role: 'user', content: [{ type: 'text', text: userPrompt(QUESTION) }] }],
    images: new Map(),
    signal: new AbortController().signal,
    onToken: () => {},
    ...overrides,
  };
}

async function replyError(policy: RemotePolicy): Promise<AppError> {
  const error = await policy.reply(request()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

interface WireBody {
  model: string;
  stream: boolean;
  max_tokens: number;
  temperature: number;
  messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
}

async function decodePng(dataUrl: string): Promise<ImageData> {
  expect(dataUrl).toMatch(/^data:image\/png;base64,/);
  const blob = await (await fetch(dataUrl)).blob();
  expect(blob.type).toBe('image/png');
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

describe('RemotePolicy against a local OpenAI-compatible server', () => {
  it('runs a whole episode (search, crop, answer) with streamed tokens; the wire carries the VRAG prompt and PNG images', async () => {
    const replies = [
      '<think>I need the market slide.</think>\n<search>travel market share</search>',
      '<think>The chart is on the right.</think>\n<bbox>[300, 100, 600, 400]</bbox>',
      '<think>It reads 37%.</think>\n<answer> 37% </answer>',
    ];
    // Odd write sizes split SSE lines (and events) across network chunks.
    const policy = await serve({ apiKey: 'sk-test', replies: replies.map((text) => ({ text, pieceChars: 3, writeBytes: 37 })) });
    expect(policy.sendsImagesTo).toBe(new URL(baseUrl).origin);
    expect(policy.name).toContain(policy.sendsImagesTo);
    expect(policy.vision.convention).toBe('absolute');

    const events: AgentEvent[] = [];
    const { outcome, trajectory, images } = await runEpisode({
      question: QUESTION,
      policy,
      retriever: new FixedRankingRetriever({ 'travel market share': ['slide_6_1024.jpg', 'slide_7_1024.jpg'] }),
      perception,
      onEvent: (e) => events.push(e),
    });

    expect(outcome).toEqual({ status: 'answered', answer: '37%' });
    expect(trajectory.policy).toBe(policy.name);
    expect(trajectory.turns.map((t) => t.action?.kind)).toEqual(['search', 'bbox', 'answer']);
    expect(trajectory.turns.map((t) => t.reply)).toEqual(replies);
    for (const [index, reply] of replies.entries()) {
      const tokens = events.filter((e): e is Extract<AgentEvent, { type: 'token' }> => e.type === 'token' && e.index === index);
      expect(tokens.length).toBeGreaterThan(5);
      expect(tokens.map((t) => t.text).join('')).toBe(reply);
    }
    expect(policy.last).toMatchObject({ text: replies[2], cutAfterAction: true });

    const requests = await server.requests();
    expect(requests).toHaveLength(3);
    const bodies = requests.map((r) => r.body as WireBody);
    for (const r of requests) expect(r).toMatchObject({ method: 'POST', path: '/v1/chat/completions', authorization: 'Bearer sk-test' });
    for (const body of bodies) expect(body).toMatchObject({ model: MODEL, stream: true, max_tokens: 512, temperature: 0 });

    expect(bodies[0]!.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: userPrompt(QUESTION) }] }]);
    const third = bodies[2]!.messages;
    expect(third.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(third[1]!.content).toBe(replies[0]);
    expect(third[3]!.content).toBe(replies[1]);
    // The page resent in the third request is byte-identical to the second request's.
    expect(third[2]).toEqual(bodies[1]!.messages[2]);

    // Each image part is a PNG of the model-input pixels, exactly.
    const [page, crop] = trajectory.images;
    for (const [message, record] of [[third[2]!, page!], [third[4]!, crop!]] as const) {
      const parts = message.content as { type: string; image_url?: { url: string } }[];
      expect(parts).toHaveLength(1);
      expect(parts[0]!.type).toBe('image_url');
      const decoded = await decodePng(parts[0]!.image_url!.url);
      expect({ width: decoded.width, height: decoded.height }).toEqual(record.inputSize);
      const input = images.get(record.id)!.input.data;
      expect(decoded.data.length).toBe(input.length);
      expect(decoded.data.findIndex((v, i) => v !== input[i])).toBe(-1);
    }
  });

  it('cuts a reply that runs past its action, and closes the stream instead of waiting for it', async () => {
    const action = '<think>Look it up.</think>\n<search>travel market share</search>';
    // `hold` keeps the stream open after the text: only a client that stops reading can return.
    const policy = await serve({ replies: [{ text: `${action}\n<information>invented page</information><answer>guess</answer>`, hold: true }] });
    const tokens: string[] = [];
    const reply = await policy.reply(request({ onToken: (t) => tokens.push(t) }));
    expect(reply).toBe(action);
    expect(tokens.join('')).toBe(action);
    expect(policy.last?.cutAfterAction).toBe(true);
    await expect.poll(async () => (await server.requests())[0]!.closedEarly).toBe(true);
  });

  it('decodes UTF-8 characters split across network chunks, and servers that answer JSON to a stream request', async () => {
    const chinese = '<think>云网络的份额</think><answer>阿里云 37%</answer>';
    const policy = await serve({ replies: [{ text: chinese, writeBytes: 5 }, { text: `${chinese} trailing`, json: true }] });
    expect(await policy.reply(request())).toBe(chinese);
    const tokens: string[] = [];
    expect(await policy.reply(request({ onToken: (t) => tokens.push(t) }))).toBe(chinese);
    expect(tokens).toEqual([chinese]);
  });

  it('cancelling mid-stream ends the episode and aborts the HTTP request', async () => {
    const policy = await serve({ replies: [{ text: '<think>I am thinking very slowly about', hold: true }] });
    const controller = new AbortController();
    const { outcome } = await runEpisode({
      question: QUESTION,
      policy,
      retriever: new FixedRankingRetriever({}),
      perception,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'token') controller.abort();
      },
    });
    expect(outcome.status).toBe('cancelled');
    await expect.poll(async () => (await server.requests())[0]!.closedEarly, { timeout: 10_000 }).toBe(true);

    // Called directly, the policy rejects with 'cancelled'.
    const again = await serve({ replies: [{ text: '<think>slow', hold: true }] });
    const direct = new AbortController();
    const pending = again.reply(request({ signal: direct.signal, onToken: () => direct.abort() }));
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('a wrong or missing API key is a clear error that names the key', async () => {
    await serve({ apiKey: 'right', replies: [] });
    for (const apiKey of ['wrong', undefined]) {
      const policy = new RemotePolicy({ endpoint: baseUrl, model: MODEL, ...(apiKey ? { apiKey } : {}) }, send);
      const error = await replyError(policy);
      expect(error.code).toBe('remote-auth');
      expect(error.message).toMatch(/HTTP 401: Incorrect API key provided\.\)\. Check the API key\./);
    }
    const { outcome } = await runEpisode({
      question: QUESTION,
      policy: new RemotePolicy({ endpoint: baseUrl, model: MODEL, apiKey: 'wrong' }, send),
      retriever: new FixedRankingRetriever({}),
      perception,
    });
    expect(outcome).toMatchObject({ status: 'error', message: expect.stringMatching(/Check the API key/) });
    await expect(listRemoteModels({ endpoint: baseUrl, apiKey: 'wrong' }, send)).rejects.toMatchObject({ code: 'remote-auth' });
    expect(await listRemoteModels({ endpoint: baseUrl, apiKey: 'right' }, send)).toEqual([MODEL]);
  });

  it('a server that is down, or that does not allow this origin, is "could not reach" with what to check', async () => {
    await serve({ replies: [] });
    await server.stop();
    const down = await replyError(new RemotePolicy({ endpoint: baseUrl, model: MODEL }, send));
    expect(down.code).toBe('remote-unreachable');
    expect(down.message).toMatch(/Could not reach the model server at http:\/\/127\.0\.0\.1:\d+\. Check that it is running/);

    await serve({ cors: false, replies: [{ text: '<answer>x</answer>' }] });
    const blocked = await replyError(new RemotePolicy({ endpoint: baseUrl, model: MODEL }, send));
    expect(blocked.code).toBe('remote-unreachable');
    expect(blocked.message).toContain(`allow requests from this page (${location.origin}) (CORS`);
  });

  it('wrong model, wrong path, busy, failing and non-OpenAI servers each get a message saying what to do', async () => {
    await serve({
      replies: [
        { raw: { status: 429, contentType: 'application/json', body: '{"error":{"message":"Too many requests"}}' } },
        { raw: { status: 503, contentType: 'text/plain', body: 'Service Unavailable' } },
        { raw: { status: 200, contentType: 'text/html', body: '<!doctype html><title>Router login</title>' } },
        { raw: { status: 200, contentType: 'text/event-stream', body: 'data: <html>\n\n' } },
      ],
    });
    const wrongModel = await replyError(new RemotePolicy({ endpoint: baseUrl, model: 'qwen' }, send));
    expect(wrongModel.message).toMatch(/model "qwen" \(HTTP 404: The model `qwen` does not exist\.\)\. Check the endpoint URL/);
    const wrongPath = await replyError(new RemotePolicy({ endpoint: baseUrl.replace(/\/v1$/, ''), model: MODEL }, send));
    expect(wrongPath.message).toMatch(/HTTP 404: Not Found\)\. Check the endpoint URL \(usually ending in \/v1\)/);

    const policy = new RemotePolicy({ endpoint: baseUrl, model: MODEL }, send);
    expect((await replyError(policy)).message).toMatch(/is busy \(HTTP 429: Too many requests\)\. Wait a moment and try again/);
    expect((await replyError(policy)).message).toMatch(/failed or is overloaded \(HTTP 503: Service Unavailable\)\. Try again/);
    expect((await replyError(policy)).message).toMatch(/not like an OpenAI-compatible API \(text\/html: "<!doctype html>/);
    expect((await replyError(policy)).message).toMatch(/not like an OpenAI-compatible API \(a stream event that is not/);
  });
});
