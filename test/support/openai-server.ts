/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire format (the subset
 * vLLM serves): POST /v1/chat/completions (SSE stream or JSON), GET /v1/models, CORS, Bearer keys.
 * It answers from a queue of scripted replies and records every request for the test to inspect.
 * Browser tests drive it through the `openAiServer` browser command (test/support/commands.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  /** The assistant's text, streamed as one chunk per `pieceChars` characters (default 5). */
  text?: string;
  pieceChars?: number;
  /** Write the SSE bytes in slices of this size, splitting lines and UTF-8 characters (default: one event per write). */
  writeBytes?: number;
  /** Pause between writes, ms (default 0). */
  delayMs?: number;
  /** After the text, keep the stream open (no finish, no [DONE]) until the client closes it. */
  hold?: boolean;
  /** Answer with one JSON completion even though a stream was asked for, as some servers do. */
  json?: boolean;
  /** Send this response instead of a completion. */
  raw?: { status: number; contentType: string; body: string };
}

export interface OpenAiServerOptions {
  replies: ScriptedReply[];
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Served model names (default ['vrag-rl-7b']); others get vLLM's 404. */
  models?: string[];
  /** Send CORS headers (default true); false makes cross-origin requests fail as a browser sees it. */
  cors?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
  /** The client closed the connection before the reply was complete. */
  closedEarly: boolean;
}

export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: ScriptedReply[];
  private readonly models: string[];

  private constructor(
    private readonly server: Server,
    private readonly options: OpenAiServerOptions,
  ) {
    this.replies = [...options.replies];
    this.models = options.models ?? ['vrag-rl-7b'];
  }

  static async start(options: OpenAiServerOptions): Promise<OpenAiTestServer> {
    let instance: OpenAiTestServer | undefined;
    const server = createServer((req, res) => {
      instance!.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
    instance = new OpenAiTestServer(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    return instance;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.options.cors !== false) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();

    const text = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization ?? null,
      body: text ? JSON.parse(text) : null,
      closedEarly: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableEnded) record.closedEarly = true;
    });

    if (this.options.apiKey !== undefined && record.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendJson(res, 401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    }
    if (req.method === 'GET' && record.path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', owned_by: 'vllm' })) });
    }
    if (req.method !== 'POST' || record.path !== '/v1/chat/completions') return sendJson(res, 404, { detail: 'Not Found' });

    const body = record.body as { model?: string; stream?: boolean };
    if (!this.models.includes(body.model ?? '')) {
      return sendJson(res, 404, {
        object: 'error',
        message: `The model \`${body.model}\` does not exist.`,
        type: 'NotFoundError',
        param: null,
        code: 404,
      });
    }
    const reply = this.replies.shift();
    if (!reply) return sendJson(res, 500, { error: { message: 'test server: no scripted reply left' } });
    if (reply.raw) return void res.writeHead(reply.raw.status, { 'Content-Type': reply.raw.contentType }).end(reply.raw.body);
    const content = reply.text ?? '';
    if (!body.stream || reply.json) {
      return sendJson(res, 200, {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    }
    await streamReply(res, body.model!, content, reply);
  }
}

async function streamReply(res: ServerResponse, model: string, content: string, reply: ScriptedReply): Promise<void> {
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const size = reply.pieceChars ?? 5;
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < content.length; i += size) events.push(chunk({ content: content.slice(i, i + size) }, null));
  if (!reply.hold) events.push(chunk({}, 'stop'), 'data: [DONE]\n\n');

  let writes: (string | Buffer)[] = events;
  if (reply.writeBytes) {
    const bytes = Buffer.from(events.join(''));
    writes = [];
    for (let i = 0; i < bytes.length; i += reply.writeBytes) writes.push(bytes.subarray(i, i + reply.writeBytes));
  }
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  for (const piece of writes) {
    if (res.destroyed) return;
    res.write(piece);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  }
  if (!reply.hold) res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** What the `openAiServer` browser command accepts. */
export type OpenAiServerCommand = { op: 'start'; options: OpenAiServerOptions } | { op: 'requests' } | { op: 'stop' };

export type OpenAiServerCommandResult<C extends OpenAiServerCommand> = C extends { op: 'start' }
  ? { baseUrl: string }
  : C extends { op: 'requests' }
    ? RecordedRequest[]
    : null;

const servers = new Map<string, OpenAiTestServer>();

/** Runs a command for the test file `owner`; each file has at most one server, replaced on start. */
export async function runOpenAiServerCommand(owner: string, command: OpenAiServerCommand): Promise<unknown> {
  const current = servers.get(owner);
  switch (command.op) {
    case 'start': {
      await current?.stop();
      const server = await OpenAiTestServer.start(command.options);
      servers.set(owner, server);
      return { baseUrl: server.baseUrl };
    }
    case 'requests':
      if (!current) throw new Error('openAiServer: no server started for this test file');
      return current.requests;
    case 'stop':
      servers.delete(owner);
      await current?.stop();
      return null;
  }
}
