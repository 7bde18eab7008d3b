/**
 * The VRAG-RL agent loop: think, search, crop (coarse to fine), answer. It knows nothing of which
 * model runs (Policy), where pages come from (Retriever) or how pixels are cut (Perception).
 */
import { AppError, describeError, isAbortError, throwIfAborted } from '../errors.ts';
import { planCrop } from '../perception/geometry.ts';
import type { Perception, PreparedImage } from '../perception/types.ts';
import type { Retriever } from '../retrieval/types.ts';
import type { Action, ParsedReply } from './protocol.ts';
import { STYLES, type PromptStyle } from './styles.ts';
import { GROUNDING_HINT } from './tools-protocol.ts';
import {
  DEFAULT_AGENT_CONFIG,
  type AgentConfig,
  type AgentEvent,
  type ChatMessage,
  type ContentPart,
  type VisionSpec,
  type EpisodeImage,
  type EpisodeOutcome,
  type ImageRecord,
  type Observation,
  type Policy,
  type SearchRecord,
  type Trajectory,
  type TurnRecord,
} from './types.ts';

export interface EpisodeOptions {
  question: string;
  policy: Policy;
  retriever: Retriever;
  perception: Perception;
  config?: Partial<AgentConfig>;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export interface EpisodeResult {
  outcome: EpisodeOutcome;
  trajectory: Trajectory;
  /** Pixels of every image in the trajectory, by image id. */
  images: Map<string, EpisodeImage>;
}

type StepResult = { observation: Observation; search?: SearchRecord; invalid?: TurnRecord['invalid']; shownPage?: true };

/** A turn's reply as read: its part of the turn's record, and when the turn began and how long the model took. */
interface Turn {
  index: number;
  parsed: ParsedReply;
  record: Pick<TurnRecord, 'index' | 'reply' | 'kept' | 'thought' | 'action' | 'expert'>;
  startedAt: number;
  modelMs: number;
}

/** One expert of the episode: the policy and how to talk to it. */
interface Expert {
  role: 'reasoner' | 'grounder';
  policy: Policy;
  style: PromptStyle;
}

export async function runEpisode(options: EpisodeOptions): Promise<EpisodeResult> {
  return new Episode(options).run();
}

class Episode {
  private readonly config: AgentConfig;
  private readonly gold: ReadonlySet<string> | null;
  private readonly reasoner: Expert;
  private readonly grounder: Expert | null;
  /** The conversation as each prompt style renders it (one per style among the experts). */
  private readonly messages = new Map<PromptStyle, ChatMessage[]>();
  private readonly images = new Map<string, EpisodeImage>();
  private readonly shownPages = new Set<string>();
  private readonly turns: TurnRecord[] = [];
  private latest: EpisodeImage | null = null;
  /** The caller's cancel signal (one that never fires without it). */
  private readonly signal: AbortSignal;
  private readonly startedAt = Date.now();
  private readonly t0 = performance.now();

  constructor(private readonly options: EpisodeOptions) {
    this.config = { ...DEFAULT_AGENT_CONFIG, ...options.config };
    if (!(this.config.maxActions >= 1) || !(this.config.topK >= 1)) {
      throw new AppError('invalid-config', 'Max actions and top-k must both be at least 1.');
    }
    const { goldPages, ...config } = this.config;
    this.gold = goldPages ? new Set(goldPages) : null;
    this.config = config;
    const { policy } = options;
    this.reasoner = { role: 'reasoner', policy, style: policy.promptStyle ?? 'vrag' };
    this.grounder = policy.grounder ? { role: 'grounder', policy: policy.grounder, style: policy.grounder.promptStyle ?? this.reasoner.style } : null;
    for (const { style } of [this.reasoner, ...(this.grounder ? [this.grounder] : [])]) {
      this.messages.set(style, STYLES[style].opening(options.question, this.config.maxActions === 1));
    }
    this.signal = options.signal ?? new AbortController().signal;
  }

  async run(): Promise<EpisodeResult> {
    let outcome: EpisodeOutcome;
    try {
      outcome = await this.loop();
    } catch (error) {
      if (isAbortError(error) || this.signal.aborted) {
        outcome = { status: 'cancelled', message: 'Stopped before an answer was found.' };
      } else {
        const message = describeError(error);
        this.emit({ type: 'error', message });
        outcome = { status: 'error', message };
      }
    }
    this.emit({ type: 'end', outcome });
    return { outcome, trajectory: this.trajectory(outcome), images: this.images };
  }

  private async loop(): Promise<EpisodeOutcome> {
    const { maxActions } = this.config;
    let expert = this.reasoner;
    for (let index = 0; index < maxActions; index++) {
      throwIfAborted(this.signal);
      this.emit({ type: 'turn', index });
      const turn = await this.reply(index, expert);
      const { action } = turn.parsed;
      if (action?.kind === 'answer' || index === maxActions - 1) return this.finish(turn);
      expert = await this.observe(turn, action, expert);
    }
    throw new Error('unreachable: the last turn always ends the episode');
  }

  /** The expert's reply for turn `index`, read in its style and added to every style's conversation. */
  private async reply(index: number, expert: Expert): Promise<Turn> {
    const startedAt = Date.now();
    const tModel = performance.now();
    const reply = await this.guard(
      expert.policy.reply({
        messages: [...this.messages.get(expert.style)!],
        images: this.images,
        signal: this.signal,
        onToken: (text) => this.emit({ type: 'token', index, text }),
      }),
    );
    const modelMs = performance.now() - tModel;
    const parsed = STYLES[expert.style].parse(reply);
    if (parsed.thought !== null) this.emit({ type: 'thought', index, text: parsed.thought });
    if (parsed.action) this.emit({ type: 'action', index, action: parsed.action });
    for (const [style, messages] of this.messages) {
      // Another style's expert sees a valid action in its own format; an invalid reply as it was written.
      const text = style === expert.style || !parsed.action ? parsed.kept : STYLES[style].render(parsed.thought, parsed.action);
      messages.push({ role: 'assistant', content: [{ type: 'text', text }] });
    }
    const record = {
      index,
      reply,
      kept: parsed.kept,
      thought: parsed.thought,
      action: parsed.action,
      ...(expert.role === 'grounder' ? { expert: 'grounder' as const } : {}),
    };
    return { index, parsed, record, startedAt, modelMs };
  }

  /** The last turn: an answer, or the last action spent without one. */
  private finish({ index, parsed, record, startedAt, modelMs }: Turn): EpisodeOutcome {
    if (parsed.invalid) this.emit({ type: 'invalid', index, ...parsed.invalid });
    this.turns.push({
      ...record,
      invalid: parsed.invalid,
      observation: { kind: 'none' },
      timings: { startedAt, modelMs, observeMs: 0 },
    });
    if (parsed.action?.kind === 'answer') {
      this.emit({ type: 'answer', index, text: parsed.action.text });
      return { status: 'answered', answer: parsed.action.text };
    }
    return {
      status: 'no-answer',
      message: `No answer found: the model did not answer within ${this.config.maxActions} actions.`,
    };
  }

  /**
   * Carries out the turn's `action` (a reply without one is invalid), shows its observation to every
   * expert in its own style, and returns the expert who takes the next turn.
   */
  private async observe({ index, parsed, record, startedAt, modelMs }: Turn, action: Exclude<Action, { kind: 'answer' }> | null, expert: Expert): Promise<Expert> {
    const tObserve = performance.now();
    const step = action ? await this.act(index, action, expert.policy.vision) : this.invalid(index, parsed.invalid!);
    const answerNow = index + 1 === this.config.maxActions - 1;
    // The turn after a search that showed a page goes to the grounding expert (when there is one and the budget is not at its end).
    const groundNext = this.grounder !== null && step.shownPage === true && !answerNow;
    const observation = rendered(step, this.reasoner.style, answerNow, groundNext);
    for (const [style, messages] of this.messages) {
      messages.push({ role: 'user', content: observationContent(style === this.reasoner.style ? observation : rendered(step, style, answerNow, groundNext)) });
    }
    this.emit({ type: 'observation', index, observation });
    this.turns.push({
      ...record,
      invalid: step.invalid ?? null,
      ...(step.search ? { search: step.search } : {}),
      observation,
      timings: { startedAt, modelMs, observeMs: performance.now() - tObserve },
    });
    return groundNext ? this.grounder! : this.reasoner;
  }

  private async act(index: number, action: Exclude<Action, { kind: 'answer' }>, vision: VisionSpec): Promise<StepResult> {
    return action.kind === 'search' ? this.search(index, action.query) : this.crop(index, action.bbox, vision);
  }

  private async search(index: number, query: string): Promise<StepResult> {
    const { retriever } = this.options;
    const signal = this.signal;
    this.emit({ type: 'search', index, query });
    const results = await this.guard(retriever.search(query, this.config.topK, signal));
    const top = results.slice(0, this.config.topK);
    const unseen = top.filter((r) => !this.shownPages.has(r.pageId));
    // Gold-guided (data construction): the first unseen gold page, else the first unseen page.
    const fresh = (this.gold && unseen.find((r) => this.gold!.has(r.pageId))) || unseen[0];
    const search: SearchRecord = { query, results: top, shownPageId: fresh?.pageId ?? null };
    this.emit({ type: 'results', index, search });
    if (!fresh) {
      const text =
        top.length === 0
          ? 'The search returned no pages. Try a different query, or answer with what you know.'
          : `All ${top.length} top results for this query were already shown in this episode. Try a different query, crop the latest image, or answer.`;
      return { observation: { kind: 'text', text }, search };
    }
    const blob = await this.guard(retriever.pageImage(fresh.pageId, signal));
    const prepared = await this.guard(this.options.perception.preparePage(blob, this.options.policy.vision.pixelBounds));
    this.shownPages.add(fresh.pageId);
    const image = this.addImage(index, prepared, { kind: 'page', pageId: fresh.pageId });
    return { observation: { kind: 'image', imageId: image.record.id }, search, shownPage: true };
  }

  /** Crops the latest image with a box in the convention of the expert who wrote it. */
  private async crop(index: number, bbox: readonly [number, number, number, number], vision: VisionSpec): Promise<StepResult> {
    const parent = this.latest;
    if (!vision.canCrop) {
      return this.invalid(index, {
        reason: 'cannot-crop',
        problem: 'Cropping is not available with this model. Search or answer instead.',
      });
    }
    if (!parent) {
      return this.invalid(index, { reason: 'no-image', problem: 'There is no image to crop yet; search first.' });
    }
    const plan = planCrop(bbox, vision.convention, parent.record.sourceSize, parent.record.inputSize);
    if ('problem' in plan) return this.invalid(index, { reason: 'off-image', problem: plan.problem });
    const prepared = await this.guard(
      this.options.perception.crop({ page: parent.page, region: parent.record.region, pageKey: parent.pageKey }, plan.rect, vision.pixelBounds),
    );
    const image = this.addImage(index, prepared, {
      kind: 'crop',
      pageId: parent.record.pageId,
      parentId: parent.record.id,
      bbox: [...bbox],
      rect: plan.rect,
      ...(plan.pastEdge ? { pastEdge: true as const } : {}),
    });
    return { observation: { kind: 'image', imageId: image.record.id } };
  }

  private invalid(index: number, invalid: NonNullable<TurnRecord['invalid']>): StepResult {
    this.emit({ type: 'invalid', index, ...invalid });
    return { observation: { kind: 'text', text: STYLES[this.reasoner.style].invalid(invalid.problem) }, invalid };
  }

  private addImage(
    index: number,
    prepared: PreparedImage,
    meta: Pick<ImageRecord, 'kind' | 'pageId' | 'parentId' | 'bbox' | 'rect' | 'pastEdge'>,
  ): EpisodeImage {
    const record: ImageRecord = {
      id: `img${this.images.size + 1}`,
      ...meta,
      sourceSize: prepared.sourceSize,
      inputSize: { width: prepared.input.width, height: prepared.input.height },
      region: prepared.region,
    };
    const image: EpisodeImage = { record, source: prepared.source, page: prepared.page, input: prepared.input, pageKey: prepared.pageKey };
    this.images.set(record.id, image);
    this.latest = image;
    this.emit({ type: 'image', index, image: record, source: prepared.source });
    return image;
  }

  /** Rejects as soon as the episode is cancelled, even if the awaited work ignores the signal. */
  private guard<T>(work: Promise<T>): Promise<T> {
    const signal = this.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new AppError('cancelled', 'Stopped by the user.'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
        (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
      );
    });
  }

  private emit(event: AgentEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      // A broken listener must not end the episode.
      console.error('agent event listener failed', error);
    }
  }

  private trajectory(outcome: EpisodeOutcome): Trajectory {
    const { policy } = this.options;
    return {
      format: 'vrag-browser-trajectory',
      version: 2,
      question: this.options.question,
      policy: policy.name,
      vision: policy.vision,
      config: this.config,
      ...(this.reasoner.style !== 'vrag' || this.grounder ? { promptStyle: this.reasoner.style } : {}),
      ...(this.grounder ? { grounder: { policy: this.grounder.policy.name, vision: this.grounder.policy.vision, promptStyle: this.grounder.style } } : {}),
      ...(this.gold ? { goldGuided: true as const } : {}),
      startedAt: this.startedAt,
      totalMs: performance.now() - this.t0,
      turns: this.turns,
      images: [...this.images.values()].map((i) => i.record),
      outcome,
    };
  }
}

/** A step's observation as an expert of `style` sees it: invalid-action text and the answer-now note in its format, the grounding hint. */
function rendered(step: StepResult, style: PromptStyle, answerNow: boolean, ground: boolean): Observation {
  let observation = step.invalid && step.observation.kind === 'text' ? { kind: 'text' as const, text: STYLES[style].invalid(step.invalid.problem) } : step.observation;
  if (answerNow) observation = withAnswerNow(observation, STYLES[style].answerNow);
  if (ground && observation.kind === 'image') observation = { ...observation, hint: GROUNDING_HINT };
  return observation;
}

function withAnswerNow(observation: Observation, answerNow: string): Observation {
  if (observation.kind === 'text') return { kind: 'text', text: `${observation.text}\n${answerNow}` };
  if (observation.kind === 'image') return { ...observation, text: answerNow };
  return observation;
}

function observationContent(observation: Observation): ContentPart[] {
  switch (observation.kind) {
    case 'image':
      return [
        { type: 'image', imageId: observation.imageId },
        ...(observation.hint ? [{ type: 'text' as const, text: observation.hint }] : []),
        ...(observation.text ? [{ type: 'text' as const, text: observation.text }] : []),
      ];
    case 'text':
      return [{ type: 'text', text: observation.text }];
    case 'none':
      return [];
  }
}
