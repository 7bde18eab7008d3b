/**
 * The evaluation harness inside the headless app: ingest the corpus, then for every question
 * score retrieval per signal and (unless retrieval-only) run the agent and score its trajectory
 * with the composite reward. The same library, agent and models users run.
 */
import { runEpisode } from '../agent/episode.ts';
import { serializeTrajectory } from '../agent/trajectory.ts';
import type { Policy, Trajectory } from '../agent/types.ts';
import { base64Of } from '../data-url.ts';
import { AppError } from '../errors.ts';
import type { DeviceOverride } from '../models/device.ts';
import { bestOfN } from '../agent/best-of-n.ts';
import type { EpisodeResult } from '../agent/episode.ts';
import { exportSftBundle, type ExportableEpisode } from '../agent/sft-bundle.ts';
import { toRagDatasetExample } from '../agent/sft.ts';
import { baselineBm25 } from './baseline-bm25.ts';
import { completionFrom, judgeWith, type Judge } from '../reward/judge.ts';
import { RemotePolicy } from '../policies/remote/policy.ts';
import { goldPages } from '../reward/retrieval.ts';
import { scoreTrajectory } from '../reward/composite.ts';
import type { AnswerFormat } from '../reward/rule-outcome.ts';
import {
  loadEmbedderSpec,
  loadModel,
  loadWhileIngesting,
  nothingAdded,
  type EmbedderSpec,
  type LoadedModel,
  type Log,
  type ModelSpec,
  type SessionFile,
  type SkippedDocument,
} from '../cli/setup.ts';
import { parsePageId, pageIdOf } from '../store/index.ts';
import { pageKey, scoreRanking } from './metrics.ts';
import { OraclePolicy } from './oracle.ts';
import type { EvalQuestion } from './questions.ts';
import { DOCUMENT_SKIPPED, summariseEvaluation, type EvalSummary, type QuestionResult } from './summary.ts';
import { measureZeroMatch, type ZeroMatchReport } from './zero-match.ts';

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
}

type SignalWeights = Partial<Record<'bm25' | 'text-dense' | 'image-dense', number>>;

export interface TrainingExport {
  /** The VRAG-RL SFT bundle (data.json + images), base64-encoded zip; absent when no episode qualified. */
  sftZipBase64?: string;
  episodes: number;
  /** The questions in the VRAG-RL RAG dataset format. */
  ragDataset: { examples: unknown[] };
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
}

const KS = [1, 5, 10];
const ANSWER_FORMATS = new Set(['Str', 'Int', 'Float', 'List', 'None']);

/** The report's name for the plain BM25 baseline signal. */
export const BASELINE_SIGNAL = 'baseline-bm25';

export async function runEvaluation(config: EvalConfig, log: Log): Promise<EvalReport> {
  const spec = !config.retrievalOnly && config.model && config.model.kind !== 'oracle' ? config.model : null;
  const { model, opened } = await loadWhileIngesting(spec ? loadModel(spec, config.device, log, { maxNewTokens: config.maxNewTokens }) : Promise.resolve(null), config.files, log, {
    keepLibrary: config.keepLibrary ?? false,
  });
  const { session, docIds, skipped } = opened;
  const skippedFiles = new Set(skipped.map((d) => d.file));
  // Corpus scope is this run's documents, even when a reused profile's library holds others.
  const corpusIds = [...new Set(docIds.values())];
  const library = session.library;
  const names = new Map([...docIds].map(([name, id]) => [id, name]));
  const keyOf = (pageId: string) => {
    const { docId, pageNumber } = parsePageId(pageId);
    return pageKey(names.get(docId) ?? docId, pageNumber);
  };
  const perception = session.perception;
  try {
    if (corpusIds.length === 0) throw nothingAdded(skipped);
    const judgeModel = config.judge?.kind === 'endpoint' ? new RemotePolicy({ ...config.judge, maxTokens: 64 }) : config.judge?.kind === 'model' ? model?.policy : undefined;
    const judge: Judge | undefined = judgeModel ? judgeWith(completionFrom(judgeModel)) : undefined;
    log(`answers are judged by ${judgeLabel(config, model)}`);
    const signals: Record<string, SignalWeights> = { bm25: { bm25: 1, 'text-dense': 0, 'image-dense': 0 } };
    for (const [kind, spec] of [['text', config.textEmbedder], ['image', config.imageEmbedder]] as const) {
      if (!spec) continue;
      const embedder = await loadEmbedderSpec(spec, kind, config.device, log);
      session.useEmbedder(kind, embedder);
      log(`embedded ${await library.backfillEmbeddings(kind)} pages with ${spec.id}`);
      signals[`${kind}-dense`] = { bm25: 0, 'text-dense': kind === 'text' ? 1 : 0, 'image-dense': kind === 'image' ? 1 : 0 };
    }
    if (Object.keys(signals).length > 1) signals.fused = { bm25: 1, 'text-dense': 1, 'image-dense': 1 };
    const retrieverFor = (scopeIds: string[], weights: SignalWeights) => library.asRetriever({ weights, docIds: config.scope === 'document' ? scopeIds : corpusIds });
    const texts = new Map<string, Promise<{ pageId: string; text: string }[]>>();
    const pageTexts = async (ids: readonly string[]) =>
      (await Promise.all(ids.map((id) => texts.get(id) ?? texts.set(id, library.store.pageTexts(id)).get(id)!))).flat();
    // The plain BM25 baseline, over the same pages' text, for the gap every report shows.
    const baselines = new Map<string, ReturnType<typeof baselineBm25>>();
    const baselineFor = async (scopeIds: string[]) => {
      const ids = config.scope === 'document' ? scopeIds : corpusIds;
      const key = ids.join();
      if (!baselines.has(key)) baselines.set(key, baselineBm25(await pageTexts(ids)));
      return baselines.get(key)!;
    };
    const results: QuestionResult[] = [];
    const bestOfResults: QuestionResult[] = [];
    const forTraining: ExportableEpisode[] = [];
    const trajectories = new Map<string, unknown>();
    for (const [n, question] of config.questions.entries()) {
      const scopeIds = question.files.map((f) => docIds.get(f)).filter((id): id is string => id !== undefined);
      const missing = question.files.filter((f) => skippedFiles.has(f));
      const docSkipped = missing.length > 0 && missing.length === question.files.length;
      if (config.scope === 'document' && scopeIds.length === 0 && !docSkipped) {
        throw new AppError('invalid-input', `Question ${question.id} is about “${question.files.join(', ')}”, which is not in the corpus.`);
      }
      const gold = question.gold.flatMap((g) => g.pages.map((p) => pageIdOf(docIds.get(g.file) ?? g.file, p)));
      const goldKeys = gold.map(keyOf);
      const retrieval: Record<string, Record<string, number>> = {};
      // With none of its documents in the library, retrieval cannot answer the question: every signal scores 0.
      const rank = async (search: () => Promise<string[]> | string[]) => scoreRanking(docSkipped ? [] : await search(), goldKeys, KS);
      retrieval[BASELINE_SIGNAL] = await rank(async () => (await baselineFor(scopeIds))(question.question, 10).map((r) => keyOf(r.pageId)));
      for (const [signal, weights] of Object.entries(signals)) {
        retrieval[signal] = await rank(async () => (await retrieverFor(scopeIds, weights).search(question.question, 10)).map((r) => keyOf(r.pageId)));
      }
      // The agent searches with every loaded signal fused.
      const retriever = retrieverFor(scopeIds, signals.fused ?? signals.bm25!);
      const result: QuestionResult = {
        id: question.id,
        question: question.question,
        reference: question.answer,
        answerable: question.answerable,
        evidenceSources: question.evidenceSources,
        ...(question.docType ? { docType: question.docType } : {}),
        ...(docSkipped ? { status: DOCUMENT_SKIPPED } : {}),
        ...(missing.length ? { skippedFiles: missing } : {}),
        retrieval,
      };
      if (docSkipped && !config.retrievalOnly) {
        result.episode = skippedEpisode();
        if ((config.bestOf ?? 1) > 1) bestOfResults.push(result);
      } else if (!config.retrievalOnly) {
        const policy = config.model?.kind === 'oracle' ? await oracleFor(question, gold, library.store) : model?.policy;
        if (!policy) throw new AppError('model-missing', 'No model to answer with: pass --model, or --retrieval-only.');
        const scoreOptions = {
          gold: goldPages(gold),
          reference: question.answer,
          ...(question.answerFormat && ANSWER_FORMATS.has(question.answerFormat) ? { answerFormat: question.answerFormat as AnswerFormat } : {}),
          ...(judge ? { judge } : {}),
        };
        const episode = (p: Policy) => runEpisode({ question: question.question, policy: p, retriever, perception, config: { maxActions: config.maxActions, topK: config.topK } });
        const started = performance.now();
        const greedy = await episode(policy);
        result.episode = await episodeResult(greedy, performance.now() - started, scoreOptions, keyOf);
        trajectories.set(question.id, JSON.parse(serializeTrajectory(withFileNames(greedy.trajectory, keyOf))));
        if (config.exportSftMinComposite !== undefined && result.episode.scores.composite >= config.exportSftMinComposite) {
          forTraining.push({ trajectory: greedy.trajectory, images: greedy.images });
        }
        if ((config.bestOf ?? 1) > 1) {
          const sampler = config.model?.kind === 'oracle' ? () => oracleFor(question, gold, library.store) : async () => model!.sampling;
          const startedN = performance.now();
          const chosen = await bestOfN(config.bestOf!, question.question, async () => episode(await sampler()), session.supportScorer(judge ? completionFrom(judgeModel!) : undefined));
          bestOfResults.push({
            ...result,
            episode: {
              ...(await episodeResult(chosen.best, performance.now() - startedN, scoreOptions, keyOf)),
              bestOf: { chosen: chosen.index, selectionScores: chosen.scores.map((x) => x.total) },
            },
          });
        }
      }
      results.push(result);
      const status = docSkipped ? `, ${DOCUMENT_SKIPPED} (${missing.join(', ')})` : result.episode ? `, ${result.episode.status}, composite ${result.episode.scores.composite.toFixed(2)}` : '';
      log(`question ${n + 1}/${config.questions.length} (#${question.id}): bm25 recall@5 ${result.retrieval.bm25!['recall@5']!.toFixed(2)}${status}`);
    }
    // Precision: queries with no match anywhere in this run's library, through the questions' BM25 retriever.
    const zeroMatchRetriever = library.asRetriever({ weights: signals.bm25!, docIds: corpusIds });
    const zeroMatch = await measureZeroMatch(
      (await pageTexts(corpusIds)).map((p) => p.text),
      async (query) => (await zeroMatchRetriever.search(query, 10)).map((r) => keyOf(r.pageId)),
    );
    log(`zero-match queries: ${zeroMatch.pagesReturned} pages returned for ${zeroMatch.queries} queries whose words are nowhere in the library (goal 0)`);
    const training =
      config.exportSftMinComposite === undefined
        ? undefined
        : {
            episodes: forTraining.length,
            ...(forTraining.length ? { sftZipBase64: await base64Of(await exportSftBundle(forTraining)) } : {}),
            ragDataset: { examples: config.questions.filter((q) => q.answerable).map(ragExample) },
          };
    return {
      judge: judgeLabel(config, model),
      ...(training ? { training } : {}),
      summary: summariseEvaluation(results, skipped.length),
      results,
      skippedDocuments: skipped,
      zeroMatch,
      // fromEntries defines own properties, so a question id like __proto__ is kept as data.
      trajectories: Object.fromEntries(trajectories),
      ...(bestOfResults.length ? { bestOfSummary: summariseEvaluation(bestOfResults, skipped.length), bestOfResults } : {}),
    };
  } finally {
    model?.client?.terminate();
    session.close();
  }
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
  const reward = await scoreTrajectory(trajectory, options);
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
export function judgeLabel(config: Pick<EvalConfig, 'judge'>, model: Pick<LoadedModel, 'label'> | null): string {
  if (config.judge?.kind === 'endpoint') return `${config.judge.model} at ${config.judge.endpoint} (rules when it gives no verdict)`;
  if (config.judge?.kind === 'model') return `the model under evaluation${model ? `, ${model.label}` : ''} (rules when it gives no verdict)`;
  return 'the rules (exact match, ANLS, numbers with tolerance, lists)';
}

function ragExample(question: EvalQuestion) {
  const [first, ...rest] = question.gold;
  return toRagDatasetExample(question.id, question.question, question.answer, first!.file, first!.pages, {
    ...(question.evidenceSources.length ? { source_type: question.evidenceSources } : {}),
    ...(question.docType ? { doc_type: question.docType } : {}),
    ...(question.answerFormat ? { answer_format: question.answerFormat } : {}),
    ...(rest.length ? { also: rest.map((g) => ({ file_name: g.file, reference_page: g.pages })) } : {}),
  });
}

async function oracleFor(question: EvalQuestion, gold: string[], store: { getPageText(id: string): Promise<{ text: string } | undefined> }): Promise<Policy> {
  const goldTexts = await Promise.all(gold.map(async (id) => (await store.getPageText(id))?.text ?? ''));
  return new OraclePolicy({ question: question.question, reference: question.answer, goldTexts });
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

