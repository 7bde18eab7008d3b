/**
 * The evaluation harness inside the headless app: ingest the corpus, then for every question
 * score retrieval per signal and (unless retrieval-only) run the agent and score its trajectory
 * with the composite reward. The same library, agent and models users run.
 */
import { corpusFileName, corpusImageName } from '../agent/corpus.ts';
import { GOLD_GUIDED_NOTE, withGrounder, withStyle } from '../agent/experts.ts';
import { zipFiles, type ZipEntry } from '../export/zip.ts';
import { parseReply } from '../agent/protocol.ts';
import { STYLES, type PromptStyle } from '../agent/styles.ts';
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { Policy, Trajectory } from '../agent/types.ts';
import type { EpisodeResult } from '../agent/episode.ts';
import { exportSftBundle, type ExportableEpisode } from '../agent/sft-bundle.ts';
import { asVragTrajectory, toRagDatasetExample } from '../agent/sft.ts';
import { base64Of } from '../data-url.ts';
import { AppError } from '../errors.ts';
import { SAMPLING_TEMPERATURE, type Answerer } from '../policies/answerer.ts';
import { completionFrom, judgeWith, type Judge } from '../reward/judge.ts';
import { goldPages } from '../reward/retrieval.ts';
import { scoreTrajectory } from '../reward/composite.ts';
import { sampleToKeep } from '../reward/expansion.ts';
import type { AnswerFormat } from '../reward/rule-outcome.ts';
import { answerOptions, settingsWith, type AnswerOptions } from '../session/options.ts';
import type { AskOptions, Session } from '../session/session.ts';
import {
  loadEmbedderSpec,
  loadModel,
  loadWhileIngesting,
  nothingAdded,
  type EmbedderSpec,
  type HeadlessModel,
  type Log,
  type ModelSpec,
  type OpenedSession,
  type SessionFile,
  type SkippedDocument,
} from '../session/headless.ts';
import type { DeviceOverride } from '../models/device.ts';
import { encodeImage } from '../perception/canvas-2d.ts';
import type { BBoxConvention } from '../perception/geometry.ts';
import { parsePageId, pageIdOf } from '../store/index.ts';
import { denseSignal, signalsOn, type SignalName } from '../retrieval/types.ts';
import { baselineBm25 } from './baseline-bm25.ts';
import { figuresByExpert, figuresByStyle, type ExpertSeed, type FigureEpisode } from './experts.ts';
import { pageKey, scoreRanking } from '../reward/metrics.ts';
import { OraclePolicy } from './oracle.ts';
import type { EvalQuestion } from './questions.ts';
import { DOCUMENT_SKIPPED, summariseEvaluation, type EvalSummary, type QuestionResult } from './summary.ts';
import { measureZeroMatch, type ZeroMatchReport } from './zero-match.ts';
import { FIRST_SAMPLE_EPISODES, type CorpusExport, type Construction, type ExpansionReport, type ExpertsReport, type TrainingExport } from './report-types.ts';

export type { CorpusExport, Construction, ExpansionReport, ExpertReport, ExpertsReport, TrainingExport } from './report-types.ts';

export interface EvalConfig {
  files: SessionFile[];
  questions: EvalQuestion[];
  scope: 'document' | 'corpus';
  retrievalOnly: boolean;
  /** A VLM, or the oracle that knows the answers (to check the harness). */
  model?: ModelSpec | { kind: 'oracle' };
  device: DeviceOverride;
  maxActions: number;
  topK: number;
  maxNewTokens: number;
  /** Also answer each question with best-of-N sampling (N > 1), to compare with N = 1. */
  bestOf?: number;
  /** Embedders for the dense signals (scored one by one and fused with BM25). */
  textEmbedder?: EmbedderSpec;
  imageEmbedder?: EmbedderSpec;
  /**
   * Who decides whether an answer is right: the rules (exact match, ANLS, numbers, lists) by
   * default; the model under evaluation, or an OpenAI-compatible endpoint, when asked.
   */
  judge?: { kind: 'model' } | { kind: 'endpoint'; endpoint: string; model: string; apiKey?: string };
  /** Export the episodes scoring at least this composite as VRAG-RL SFT data (and the questions as a RAG dataset). */
  exportSftMinComposite?: number;
  /** Keep the library in the browser profile (--profile), so the next run finds the documents stored. */
  keepLibrary?: boolean;
  /** How the reasoner (the model above) is prompted: VRAG-RL's tags (default) or the tool-description prompt with JSON replies. */
  promptStyle?: PromptStyle;
  /** A grounding expert that answers the turn after each search (VRAG-RL's multi-expert data construction). */
  grounder?: ModelSpec | { kind: 'oracle' };
  /** The grounder's prompt style (default: the reasoner's). */
  grounderStyle?: PromptStyle;
  /** How an endpoint grounder writes boxes (default: pixels). */
  grounderBoxes?: BBoxConvention;
  /**
   * Data construction: searches show the first retrieved gold page not yet seen (else the first
   * unseen page), as VRAG-RL's data_construct_pipeline.py does. Accuracy is then not comparable.
   */
  goldGuided?: boolean;
  /** Export the corpus for VRAG-RL's training: `img/<file stem>_<page>.jpg` and the RAG dataset beside it. */
  exportCorpus?: boolean;
  /**
   * Data expansion: this many trajectories per question, the first the greedy episode every
   * accuracy figure comes from, the others sampled; the best composite is the one exported as SFT.
   */
  samples?: number;
}

export interface EvalReport {
  /** Who judged the answers (every accuracy figure in the report is theirs). */
  judge: string;
  training?: TrainingExport;
  summary: EvalSummary;
  /** The same questions answered with best-of-N (when asked for). */
  bestOfSummary?: EvalSummary;
  bestOfResults?: QuestionResult[];
  results: QuestionResult[];
  /** Documents that could not be added (file name and error); the run went on without them. */
  skippedDocuments: SkippedDocument[];
  /** Pages returned for queries whose words are nowhere in the library (goal 0). */
  zeroMatch: ZeroMatchReport;
  /** Every trajectory, serialised, by question id. */
  trajectories: Record<string, unknown>;
  /** Set when prompt styles, a grounder or gold-guided search were used (data construction). */
  construction?: Construction;
  corpus?: CorpusExport;
  /** Per expert and per prompt style, over the first sample of each question (the episodes accuracy comes from). */
  experts?: ExpertsReport;
  /** With samples > 1: every sample's score, the ones kept, and the figures per expert over all samples. */
  expansion?: ExpansionReport;
}

/** One sample of a question: the episode and its scores. */
interface Sample {
  result: EpisodeResult;
  episode: NonNullable<QuestionResult['episode']>;
}

const KS = [1, 5, 10];
const ANSWER_FORMATS = new Set(['Str', 'Int', 'Float', 'List', 'None']);

/** The report's name for the plain BM25 baseline signal. */
export const BASELINE_SIGNAL = 'baseline-bm25';

export async function runEvaluation(config: EvalConfig, log: Log): Promise<EvalReport> {
  const spec = !config.retrievalOnly && config.model && config.model.kind !== 'oracle' ? config.model : null;
  const grounderSpec = !config.retrievalOnly && config.grounder && config.grounder.kind !== 'oracle' ? config.grounder : null;
  const isLocal = (s: ModelSpec | null): s is Exclude<ModelSpec, { kind: 'endpoint' }> => s !== null && s.kind !== 'endpoint';
  // The session holds one local VLM: a grounder that is the reasoner's own model shares it.
  const sameLocal = isLocal(spec) && isLocal(grounderSpec) && spec.id === grounderSpec.id;
  if (isLocal(spec) && isLocal(grounderSpec) && !sameLocal) {
    throw new AppError('invalid-input', `The reasoner (${spec.id}) and the grounder (${grounderSpec.id}) are both local models; the app holds one local model at a time. Serve one of them from an OpenAI-compatible endpoint.`);
  }
  let grounder: HeadlessModel | null = null;
  const { model, opened } = await loadWhileIngesting(
    async (session) => {
      const reasoner = spec ? await loadModel(session, spec, config.device, log) : null;
      if (grounderSpec) grounder = sameLocal ? reasoner : await loadModel(session, grounderSpec, config.device, log);
      return reasoner;
    },
    config.files,
    log,
    { keepLibrary: config.keepLibrary ?? false },
  );
  try {
    if (opened.docIds.size === 0) throw nothingAdded(opened.skipped);
    if (config.goldGuided) log(`warning: ${GOLD_GUIDED_NOTE}`);
    const evaluation = new Evaluation(config, opened, model, log, grounder);
    await evaluation.loadSignals();
    for (const [n, question] of config.questions.entries()) {
      const result = await evaluation.evaluate(question);
      const status = result.status === DOCUMENT_SKIPPED ? `, ${DOCUMENT_SKIPPED} (${result.skippedFiles!.join(', ')})` : result.episode ? `, ${result.episode.status}, composite ${result.episode.scores.composite.toFixed(2)}` : '';
      log(`question ${n + 1}/${config.questions.length} (#${question.id}): bm25 recall@5 ${result.retrieval.bm25!['recall@5']!.toFixed(2)}${status}`);
    }
    return await evaluation.report();
  } finally {
    opened.session.close();
  }
}

/** A yes/no verdict needs few tokens. */
const JUDGE_TOKENS = 64;

/** One evaluation run: the session with this run's documents, the judge, the search signals scored, and what each question gave. */
class Evaluation {
  private readonly session: Session;
  private readonly docIds: Map<string, string>;
  private readonly skipped: SkippedDocument[];
  private readonly skippedFiles: Set<string>;
  /** Corpus scope is this run's documents, even when a reused profile's library holds others. */
  private readonly corpusIds: string[];
  private readonly names: Map<string, string>;
  /** How the agent searches and answers: the command line's flags over the app's defaults. */
  private readonly answering: AnswerOptions;
  private readonly judgeModel: Pick<Policy, 'reply'> | undefined;
  private readonly judge: Judge | undefined;
  private readonly signals: Record<string, Record<SignalName, number>> = { bm25: signalsOn('bm25') };
  private readonly texts = new Map<string, Promise<{ pageId: string; text: string }[]>>();
  private readonly baselines = new Map<string, ReturnType<typeof baselineBm25>>();
  private readonly results: QuestionResult[] = [];
  private readonly bestOfResults: QuestionResult[] = [];
  private readonly forTraining: ExportableEpisode[] = [];
  private readonly trajectories = new Map<string, unknown>();
  /** The first sample of each question (accuracy's episodes), and every sample, as the per-expert figures read them. */
  private readonly firstEpisodes: FigureEpisode[] = [];
  private readonly allSamples: FigureEpisode[] = [];
  private readonly expansion: ExpansionReport['questions'] = [];

  constructor(
    private readonly config: EvalConfig,
    opened: OpenedSession,
    private readonly model: HeadlessModel | null,
    private readonly log: Log,
    private readonly grounderModel: HeadlessModel | null = null,
  ) {
    ({ session: this.session, docIds: this.docIds, skipped: this.skipped } = opened);
    this.skippedFiles = new Set(this.skipped.map((d) => d.file));
    this.corpusIds = [...new Set(this.docIds.values())];
    this.names = new Map([...this.docIds].map(([name, id]) => [id, name]));
    this.answering = answerOptions(settingsWith({ maxActions: config.maxActions, topK: config.topK, maxNewTokens: config.maxNewTokens, endpoint: model?.endpoint ?? null }));
    this.judgeModel =
      config.judge?.kind === 'endpoint'
        ? this.session.answerer({ endpoint: config.judge, generation: { ...this.answering.generation, maxNewTokens: JUDGE_TOKENS } }).policy
        : config.judge?.kind === 'model' && model
          ? this.session.answerer(this.answering).policy
          : undefined;
    this.judge = this.judgeModel ? judgeWith(completionFrom(this.judgeModel)) : undefined;
    log(`answers are judged by ${judgeLabel(config, model)}`);
    if (config.grounder) log(`grounding expert: ${this.grounderLabel()} (${this.grounderStyle()} prompt), answering the turn after each search`);
  }

  private get dataConstruction(): boolean {
    return this.config.promptStyle !== undefined || this.config.grounder !== undefined || this.config.goldGuided === true;
  }

  private grounderStyle(): PromptStyle {
    return this.config.grounderStyle ?? this.config.promptStyle ?? 'vrag';
  }

  private grounderLabel(): string {
    if (this.config.grounder?.kind === 'oracle') return 'oracle';
    return this.grounderModel?.label ?? 'none';
  }

  /** The grounding expert for one question, greedy and sampling: the endpoint, the loaded VLM, or an oracle of its own. */
  private async grounderPolicy(question: EvalQuestion, gold: string[]): Promise<{ policy: Policy; sampling: Policy } | null> {
    const spec = this.config.grounder;
    if (!spec) return null;
    const style = this.grounderStyle();
    if (spec.kind === 'oracle') {
      const oracle = oracleIn((await this.oracleFor(question, gold)).policy, style);
      return { policy: oracle, sampling: oracle };
    }
    const endpoint = this.grounderModel?.endpoint;
    const answerer = this.session.answerer({
      generation: this.answering.generation,
      ...(endpoint ? { endpoint: { ...endpoint, ...(this.config.grounderBoxes ? { boxes: this.config.grounderBoxes } : {}) } } : {}),
    });
    return { policy: withStyle(answerer.policy, style), sampling: withStyle(answerer.sampling ?? answerer.policy, style) };
  }

  /** The answerer dressed as the experts: the reasoner in its prompt style, with the grounder (greedy with greedy, sampling with sampling) when there is one. */
  private experts(answerer: Answerer, grounder: { policy: Policy; sampling: Policy } | null, oracle: boolean): Answerer {
    const style = this.config.promptStyle ?? 'vrag';
    const dress = (policy: Policy, grounding: Policy | undefined) => {
      const styled = oracle ? oracleIn(policy, style) : withStyle(policy, style);
      return grounding ? withGrounder(styled, grounding) : styled;
    };
    return {
      policy: dress(answerer.policy, grounder?.policy),
      sampling: answerer.sampling && dress(answerer.sampling, grounder?.sampling),
      ...(answerer.label ? { label: answerer.label } : {}),
    };
  }

  /** Loads the embedders asked for, each scored as a signal of its own, and all of them fused with BM25. */
  async loadSignals(): Promise<void> {
    for (const [kind, spec] of [['text', this.config.textEmbedder], ['image', this.config.imageEmbedder]] as const) {
      if (!spec) continue;
      await loadEmbedderSpec(this.session, spec, kind, this.config.device, this.log);
      this.log(`embedded ${await this.session.library.backfillEmbeddings(kind)} pages with ${spec.id}`);
      this.signals[denseSignal(kind)] = signalsOn(denseSignal(kind));
    }
    if (Object.keys(this.signals).length > 1) this.signals.fused = signalsOn('bm25', 'text-dense', 'image-dense');
  }

  /** Scores one question's retrieval by every signal and (unless retrieval-only) its answer, greedy and best-of-N. */
  async evaluate(question: EvalQuestion): Promise<QuestionResult> {
    const scopeIds = question.files.map((f) => this.docIds.get(f)).filter((id): id is string => id !== undefined);
    const missing = question.files.filter((f) => this.skippedFiles.has(f));
    const docSkipped = missing.length > 0 && missing.length === question.files.length;
    if (this.config.scope === 'document' && scopeIds.length === 0 && !docSkipped) {
      throw new AppError('invalid-input', `Question ${question.id} is about “${question.files.join(', ')}”, which is not in the corpus.`);
    }
    const gold = question.gold.flatMap((g) => g.pages.map((p) => pageIdOf(this.docIds.get(g.file) ?? g.file, p)));
    const result: QuestionResult = {
      id: question.id,
      question: question.question,
      reference: question.answer,
      answerable: question.answerable,
      evidenceSources: question.evidenceSources,
      ...(question.docType ? { docType: question.docType } : {}),
      ...(docSkipped ? { status: DOCUMENT_SKIPPED } : {}),
      ...(missing.length ? { skippedFiles: missing } : {}),
      retrieval: await this.scoreRetrieval(question, this.scope(scopeIds), gold.map(this.keyOf), docSkipped),
    };
    if (docSkipped && !this.config.retrievalOnly) {
      result.episode = skippedEpisode();
      if ((this.config.bestOf ?? 1) > 1) this.bestOfResults.push(result);
    } else if (!this.config.retrievalOnly) {
      await this.answer(question, this.scope(scopeIds), gold, result);
    }
    this.results.push(result);
    return result;
  }

  /** The documents a question searches: its own, or the whole corpus. */
  private scope(scopeIds: string[]): string[] {
    return this.config.scope === 'document' ? scopeIds : this.corpusIds;
  }

  /** Report keys name files instead of content hashes, so a reader can find the page. */
  private readonly keyOf = (pageId: string): string => {
    const { docId, pageNumber } = parsePageId(pageId);
    return pageKey(this.names.get(docId) ?? docId, pageNumber);
  };

  private async pageTexts(ids: readonly string[]): Promise<{ pageId: string; text: string }[]> {
    return (await Promise.all(ids.map((id) => this.texts.get(id) ?? this.texts.set(id, this.session.store.pageTexts(id)).get(id)!))).flat();
  }

  /** Retrieval by the plain BM25 baseline (over the same pages' text, for the gap every report shows) and by every signal. */
  private async scoreRetrieval(question: EvalQuestion, ids: string[], goldKeys: string[], docSkipped: boolean): Promise<Record<string, Record<string, number>>> {
    const retrieval: Record<string, Record<string, number>> = {};
    // With none of its documents in the library, retrieval cannot answer the question: every signal scores 0.
    const rank = async (search: () => Promise<string[]> | string[]) => scoreRanking(docSkipped ? [] : await search(), goldKeys, KS);
    retrieval[BASELINE_SIGNAL] = await rank(async () => (await this.baseline(ids))(question.question, 10).map((r) => this.keyOf(r.pageId)));
    for (const [signal, weights] of Object.entries(this.signals)) {
      retrieval[signal] = await rank(async () => (await this.session.retriever({ weights, docIds: ids }).search(question.question, 10)).map((r) => this.keyOf(r.pageId)));
    }
    return retrieval;
  }

  private async baseline(ids: string[]): Promise<ReturnType<typeof baselineBm25>> {
    const key = ids.join();
    if (!this.baselines.has(key)) this.baselines.set(key, baselineBm25(await this.pageTexts(ids)));
    return this.baselines.get(key)!;
  }

  /** Answers through the session (greedy, then best-of-N when asked) and scores each trajectory with the composite reward. */
  private async answer(question: EvalQuestion, docIds: string[], gold: string[], result: QuestionResult): Promise<void> {
    const oracle = this.config.model?.kind === 'oracle' ? () => this.oracleFor(question, gold) : null;
    if (!oracle && !this.model) throw new AppError('model-missing', 'No model to answer with: pass --model, or --retrieval-only.');
    const scoreOptions = {
      gold: goldPages(gold),
      reference: question.answer,
      ...(question.answerFormat && ANSWER_FORMATS.has(question.answerFormat) ? { answerFormat: question.answerFormat as AnswerFormat } : {}),
      ...(this.judge ? { judge: this.judge } : {}),
    };
    // The agent searches with every loaded signal fused.
    const options: AskOptions = {
      ...this.answering,
      // Gold-guided (data construction only): searches show gold pages first.
      ...(this.config.goldGuided ? { agent: { ...this.answering.agent, goldPages: gold } } : {}),
      weights: this.signals.fused ?? this.signals.bm25!,
      docIds,
      ...(this.judgeModel ? { judge: completionFrom(this.judgeModel) } : {}),
    };
    // With prompt styles or a grounder, every episode's answerer is dressed as the experts.
    const dressed = this.config.promptStyle !== undefined || this.config.grounder !== undefined;
    const answerer = async (): Promise<Answerer> => {
      const base = oracle ? await oracle() : this.session.answerer(this.answering);
      return dressed ? this.experts(base, await this.grounderPolicy(question, gold), oracle !== null) : base;
    };
    const greedyAnswerer = oracle || dressed ? await answerer() : null;
    const started = performance.now();
    const { result: greedy } = await this.session.ask(question.question, { ...options, bestOfN: 1, ...(greedyAnswerer ? { answerer: () => greedyAnswerer } : {}) });
    result.episode = await episodeResult(greedy, performance.now() - started, scoreOptions, this.keyOf);
    this.trajectories.set(question.id, JSON.parse(serializeTrajectory(withFileNames(greedy.trajectory, this.keyOf))));
    this.firstEpisodes.push(figureEpisode({ result: greedy, episode: result.episode }, question.answerable));
    // Further samples (data expansion) with the sampling policies, each scored like the first.
    const sample = async (): Promise<Sample> => {
      const experts = await answerer();
      const sampling: Answerer = { policy: experts.sampling ?? experts.policy, sampling: null, ...(experts.label ? { label: experts.label } : {}) };
      const startedSample = performance.now();
      const { result: episode } = await this.session.ask(question.question, { ...options, bestOfN: 1, answerer: () => sampling });
      return { result: episode, episode: await episodeResult(episode, performance.now() - startedSample, scoreOptions, this.keyOf) };
    };
    await this.expand(question, { result: greedy, episode: result.episode }, sample);
    if ((this.config.bestOf ?? 1) <= 1) return;
    const startedN = performance.now();
    const { result: best, bestOf } = await this.session.ask(question.question, { ...options, bestOfN: this.config.bestOf!, ...(oracle || dressed ? { answerer } : {}) });
    this.bestOfResults.push({
      ...result,
      episode: {
        ...(await episodeResult(best, performance.now() - startedN, scoreOptions, this.keyOf)),
        ...(bestOf ? { bestOf: { chosen: bestOf.index, selectionScores: bestOf.scores.map((x) => x.total) } } : {}),
      },
    });
  }

  /**
   * Data expansion: the first sample and `samples` - 1 more, each scored with the composite reward;
   * the best (the first on ties) goes to the SFT export when it reaches the bar. One sample is the
   * plain run: its episode is exported when it reaches the bar.
   */
  private async expand(question: EvalQuestion, first: Sample, sample: () => Promise<Sample>): Promise<void> {
    const samples = [first];
    for (let i = 1; i < (this.config.samples ?? 1); i++) samples.push(await sample());
    this.allSamples.push(...samples.map((s) => figureEpisode(s, question.answerable)));
    const composites = samples.map((s) => s.episode.scores.composite);
    const min = this.config.exportSftMinComposite;
    const kept = min === undefined ? null : sampleToKeep(composites, min);
    if (kept !== null) this.forTraining.push({ trajectory: samples[kept]!.result.trajectory, images: samples[kept]!.result.images });
    if (samples.length < 2) return;
    this.expansion.push({ id: question.id, composites, kept });
    const keptWords = min === undefined ? '' : kept === null ? `; none reaches ${min}` : `; sample ${kept + 1} kept for SFT`;
    this.log(`question #${question.id}: ${samples.length} samples, composite ${composites.map((c) => c.toFixed(2)).join(', ')}${keptWords}`);
  }

  /** A fresh oracle for this question (it keeps its place in the episode): greedy and sampling alike. */
  private async oracleFor(question: EvalQuestion, gold: string[]): Promise<Answerer> {
    const goldTexts = await Promise.all(gold.map(async (id) => (await this.session.store.getPageText(id))?.text ?? ''));
    const oracle = new OraclePolicy({ question: question.question, reference: question.answer, goldTexts });
    return { policy: oracle, sampling: oracle, label: 'oracle' };
  }

  async report(): Promise<EvalReport> {
    const zeroMatch = await this.zeroMatch();
    const training = await this.training();
    const skipped = this.skipped;
    return {
      judge: judgeLabel(this.config, this.model),
      ...(training ? { training } : {}),
      summary: summariseEvaluation(this.results, skipped.length),
      results: this.results,
      skippedDocuments: skipped,
      zeroMatch,
      // fromEntries defines own properties, so a question id like __proto__ is kept as data.
      trajectories: Object.fromEntries(this.trajectories),
      ...(this.bestOfResults.length ? { bestOfSummary: summariseEvaluation(this.bestOfResults, skipped.length), bestOfResults: this.bestOfResults } : {}),
      ...(this.dataConstruction ? { construction: this.construction() } : {}),
      ...(this.config.exportCorpus ? { corpus: await this.corpus() } : {}),
      ...(this.firstEpisodes.length ? { experts: { episodes: FIRST_SAMPLE_EPISODES, byExpert: figuresByExpert(this.firstEpisodes, this.expertSeeds()), byStyle: figuresByStyle(this.firstEpisodes) } } : {}),
      ...(this.expansion.length ? { expansion: this.expansionReport() } : {}),
    };
  }

  /** Every page of the run's documents as `img/<file stem>_<page>.jpg`, with the RAG dataset naming the documents to match (rm.py's rule). */
  private async corpus(): Promise<CorpusExport> {
    const files: ZipEntry[] = [];
    for (const [name, id] of this.docIds) {
      const retriever = this.session.retriever({ docIds: [id] });
      for (const { pageId } of await this.pageTexts([id])) {
        const { pageNumber } = parsePageId(pageId);
        files.push({ path: `img/${corpusImageName(name, pageNumber)}`, data: await jpegBytes(await retriever.pageImage(pageId)) });
      }
    }
    const examples = this.config.questions.filter((q) => q.answerable && q.gold.length > 0).map((q) => ragExample(q, corpusFileName));
    files.push({ path: 'rag_dataset.json', data: new TextEncoder().encode(JSON.stringify({ examples }, null, 2)) });
    this.log(`corpus export: ${files.length - 1} page images, ${examples.length} questions`);
    return { zipBase64: await base64Of(await zipFiles(files)), pages: files.length - 1, questions: examples.length };
  }

  /** The experts this run configured, named as the log names them (listed even when one never replied). */
  private expertSeeds(): ExpertSeed[] {
    const reasonerLabel = this.config.model?.kind === 'oracle' ? 'oracle' : (this.model?.label ?? 'none');
    return [
      { role: 'reasoner', label: reasonerLabel, promptStyle: this.config.promptStyle ?? 'vrag' },
      ...(this.config.grounder ? [{ role: 'grounder' as const, label: this.grounderLabel(), promptStyle: this.grounderStyle() }] : []),
    ];
  }

  /** How the episodes were made, with each expert's figures over the greedy episodes. */
  private construction(): Construction {
    return {
      goldGuided: this.config.goldGuided === true,
      ...(this.config.goldGuided ? { note: GOLD_GUIDED_NOTE } : {}),
      experts: figuresByExpert(this.firstEpisodes, this.expertSeeds()),
    };
  }

  private expansionReport(): ExpansionReport {
    return {
      samples: this.config.samples ?? 1,
      minComposite: this.config.exportSftMinComposite ?? null,
      kept: this.expansion.filter((q) => q.kept !== null).length,
      questions: this.expansion,
      episodes: `all ${this.config.samples} samples of each question (the first greedy, the others sampled at temperature ${SAMPLING_TEMPERATURE})`,
      byExpert: figuresByExpert(this.allSamples, this.expertSeeds()),
      byStyle: figuresByStyle(this.allSamples),
    };
  }

  /** Precision: queries with no match anywhere in this run's library, through the questions' BM25 retriever. */
  private async zeroMatch(): Promise<ZeroMatchReport> {
    const retriever = this.session.retriever({ weights: this.signals.bm25!, docIds: this.corpusIds });
    const zeroMatch = await measureZeroMatch(
      (await this.pageTexts(this.corpusIds)).map((p) => p.text),
      async (query) => (await retriever.search(query, 10)).map((r) => this.keyOf(r.pageId)),
    );
    this.log(`zero-match queries: ${zeroMatch.pagesReturned} pages returned for ${zeroMatch.queries} queries whose words are nowhere in the library (goal 0)`);
    return zeroMatch;
  }

  /** The episodes good enough to train on, as a VRAG-RL SFT bundle, and the questions as a RAG dataset (when asked for). */
  private async training(): Promise<TrainingExport | undefined> {
    if (this.config.exportSftMinComposite === undefined) return undefined;
    return {
      episodes: this.forTraining.length,
      ...(this.forTraining.length ? { sftZipBase64: await base64Of(await exportSftBundle(this.forTraining)) } : {}),
      ragDataset: { examples: this.config.questions.filter((q) => q.answerable).map((q) => ragExample(q)) },
    };
  }
}

/** A page image as JPEG bytes (what VRAG-RL's corpus holds): JPEG sources as they are, others re-encoded. */
async function jpegBytes(blob: Blob): Promise<Uint8Array> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return bytes;
  const bitmap = await createImageBitmap(blob);
  try {
    return new Uint8Array(await (await encodeImage(bitmap, { type: 'image/jpeg', quality: 0.95, background: '#fff' })).arrayBuffer());
  } finally {
    bitmap.close();
  }
}

/** A scored sample as the per-expert figures read it. */
function figureEpisode({ result, episode }: Sample, answerable: boolean): FigureEpisode {
  return { trajectory: result.trajectory, status: episode.status, outcome: episode.scores.outcome, ndcg: episode.scores.retrieval, answerable };
}

/** The oracle (which writes VRAG tags) speaking `style`: its replies re-written as that style writes them. */
function oracleIn(oracle: Policy, style: PromptStyle): Policy {
  return {
    name: oracle.name,
    vision: oracle.vision,
    promptStyle: style,
    reply: async (request) => {
      const reply = await oracle.reply(request);
      const parsed = parseReply(reply);
      return style === 'vrag' || !parsed.action ? reply : STYLES[style].render(parsed.thought, parsed.action);
    },
  };
}

/** The episode of a question whose documents could not be added: none ran, every score is 0. */
function skippedEpisode(): NonNullable<QuestionResult['episode']> {
  return {
    status: DOCUMENT_SKIPPED,
    turns: 0,
    invalidTurns: 0,
    timeMs: 0,
    retrievedPages: [],
    scores: { outcome: 0, outcomeMethod: DOCUMENT_SKIPPED, pattern: 0, patternStrict: 0, retrieval: 0, composite: 0 },
  };
}

async function episodeResult(
  { outcome, trajectory }: EpisodeResult,
  timeMs: number,
  options: Parameters<typeof scoreTrajectory>[1],
  keyOf: (pageId: string) => string,
): Promise<NonNullable<QuestionResult['episode']>> {
  // The rewards read VRAG tags: a tools-style episode is scored as the VRAG data it exports to.
  const reward = await scoreTrajectory(asVragTrajectory(trajectory), options);
  return {
    status: outcome.status,
    ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
    turns: trajectory.turns.length,
    invalidTurns: trajectory.turns.filter((t) => t.invalid).length,
    timeMs,
    retrievedPages: reward.retrievedPages.map(keyOf),
    scores: {
      outcome: reward.outcome.score,
      outcomeMethod: reward.outcome.source === 'rule' ? `rule:${reward.outcome.method}` : reward.outcome.source,
      pattern: reward.pattern,
      patternStrict: reward.strictPattern,
      retrieval: reward.retrieval,
      composite: reward.composite,
    },
  };
}

/** Which judge produced the accuracy figures, in words for the report. */
export function judgeLabel(config: Pick<EvalConfig, 'judge'>, model: Pick<HeadlessModel, 'label'> | null): string {
  if (config.judge?.kind === 'endpoint') return `${config.judge.model} at ${config.judge.endpoint} (rules when it gives no verdict)`;
  if (config.judge?.kind === 'model') return `the model under evaluation${model ? `, ${model.label}` : ''} (rules when it gives no verdict)`;
  return 'the rules (exact match, ANLS, numbers with tolerance, lists)';
}

function ragExample(question: EvalQuestion, fileName: (file: string) => string = (file) => file) {
  const [first, ...rest] = question.gold;
  return toRagDatasetExample(question.id, question.question, question.answer, fileName(first!.file), first!.pages, {
    ...(question.evidenceSources.length ? { source_type: question.evidenceSources } : {}),
    ...(question.docType ? { doc_type: question.docType } : {}),
    ...(question.answerFormat ? { answer_format: question.answerFormat } : {}),
    ...(rest.length ? { also: rest.map((g) => ({ file_name: fileName(g.file), reference_page: g.pages })) } : {}),
  });
}

/** Page ids carry content hashes; reports name files instead, so a reader can find the page. */
function withFileNames(trajectory: Trajectory, keyOf: (pageId: string) => string): Trajectory {
  return {
    ...trajectory,
    images: trajectory.images.map((i) => ({ ...i, pageId: keyOf(i.pageId) })),
    turns: trajectory.turns.map((t) =>
      t.search
        ? {
            ...t,
            search: {
              ...t.search,
              results: t.search.results.map((r) => ({ ...r, pageId: keyOf(r.pageId) })),
              shownPageId: t.search.shownPageId && keyOf(t.search.shownPageId),
            },
          }
        : t,
    ),
  };
}

