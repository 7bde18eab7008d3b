/**
 * What a report is built from: trajectories (one answer, a selection of the history or a batch)
 * and the pages they rest on, fetched through `ReportSource` so the app and the command line
 * share the builder. Pure types.
 */
import type { Trajectory } from '../agent/types.ts';
import type { TextLine } from '../store/types.ts';

/** How an answer was graded against an expected one (the rules `npm run eval` uses). */
export interface ReportGrade {
  expected: string;
  correct: boolean;
  /** The rule that decided ('exact', 'numeric', 'anls', 'list') or 'no-answer'. */
  method: string;
  /** Whether a page the question names as evidence was shown to the model; null without evidence pages. */
  retrievalHit: boolean | null;
}

/** One question in a report. */
export interface ReportQuestion {
  trajectory: Trajectory;
  /** Pixels of the episode's images by image id (a live episode has them; the history does not, and crops are then cut from the page by the report itself). */
  images?: ReadonlyMap<string, Blob | Promise<Blob>>;
  /** Wall time of the question; the trajectory's own total by default. */
  timeMs?: number;
  /** The documents it searched, by name; absent: every document of the report. */
  scope?: readonly string[];
  grade?: ReportGrade;
  /** The question as the user typed it: a follow-up's trajectory holds it with its earlier turns. */
  asked?: string;
  /** A follow-up's thread, oldest first. */
  earlier?: readonly ThreadTurn[];
}

/** An earlier question and answer of a follow-up's thread. */
export interface ThreadTurn {
  question: string;
  answer: string;
}

export interface ReportRequest {
  /** 'answer', 'history' or 'batch': words the title uses. */
  kind: 'answer' | 'history' | 'batch';
  title?: string;
  /** The documents asked about, by name. */
  documents: readonly string[];
  /** The model that answered, in words; the trajectories' policy names by default. */
  model?: string;
  /** When the report was made (ms since the epoch); now by default. */
  createdAt?: number;
  questions: readonly ReportQuestion[];
}

/** Where a report's pages come from: the library in the app and in the headless page alike. */
export interface ReportSource {
  /** The stored page image; undefined when the page is gone (a deleted document). */
  pageImage(pageId: string): Promise<Blob | undefined>;
  pageText(pageId: string): Promise<{ text: string; lines?: readonly TextLine[] } | undefined>;
  /** The document name and page number of a page id. */
  pageLabel(pageId: string): { document: string; page: number };
}

/** An image carried inside the report. */
export interface ReportImage {
  /** File name inside the Markdown zip's images folder. */
  name: string;
  mime: string;
  base64: string;
}

/** A crop: its own pixels, or, when those are not at hand, the region of the page image to show. */
export interface ReportCrop {
  index: number;
  region: { x: number; y: number; width: number; height: number };
  image: ReportImage | null;
  pastEdge: boolean;
}

export interface ReportPage {
  pageId: string;
  document: string;
  page: number;
  size: { width: number; height: number };
  image: ReportImage | null;
  crops: ReportCrop[];
  /** Lines of page text under the crops (or holding the answer's words). */
  lines: string[];
}

export interface ReportTraceStep {
  index: number;
  thought: string | null;
  /** What the model did, in words (search, crop, answer, or an invalid action). */
  action: string;
  /** What came back (the pages a search found, the page shown, the crop's place). */
  result: string | null;
  ms: number;
}

export interface ReportEntry {
  number: number;
  question: string;
  /** The thread a follow-up continues, oldest first (empty for a question of its own). */
  earlier: readonly ThreadTurn[];
  status: string;
  answer: string | null;
  message: string | null;
  model: string;
  startedAt: number;
  timeMs: number;
  scope: readonly string[] | null;
  pages: ReportPage[];
  trace: ReportTraceStep[];
  grade?: ReportGrade;
}

export interface ReportTotals {
  questions: number;
  answered: number;
  notAnswered: number;
  graded: number;
  correct: number;
  retrievalGraded: number;
  retrievalHits: number;
  timeMs: number;
  pages: number;
}

/** Everything the HTML and Markdown renderers need, images included: they are pure. */
export interface ReportData {
  title: string;
  kind: ReportRequest['kind'];
  documents: readonly string[];
  models: string[];
  createdAt: number;
  totals: ReportTotals;
  entries: ReportEntry[];
}
