/** Runs the requested in-browser benchmarks and leaves their results on window for bench/run.ts. */
import { agentBench } from './agent.ts';
import { indexGrowthBench } from './index-growth.ts';
import { ingestBench } from './ingest.ts';
import { modelsBench } from './models.ts';
import { ocrBench } from './ocr.ts';
import { perceptionBench } from './perception.ts';
import { prefillBench } from './prefill.ts';

const BENCHES = new Map<string, () => Promise<unknown>>([
  ['models', modelsBench],
  ['agent', agentBench],
  ['ingest', ingestBench],
  ['perception', perceptionBench],
  ['prefill', prefillBench],
  ['indexGrowth', indexGrowthBench],
  ['ocr', ocrBench],
]);

const w = window as unknown as { benchResults: Record<string, unknown>; benchDone: boolean };
const only = (new URLSearchParams(location.search).get('only') ?? [...BENCHES.keys()].join(',')).split(',');
w.benchResults = {};
for (const name of only) {
  const bench = BENCHES.get(name);
  if (!bench) continue;
  try {
    w.benchResults[name] = await bench();
  } catch (error) {
    w.benchResults[name] = { error: error instanceof Error ? error.message : String(error) };
  }
}
document.querySelector('#out')!.textContent = JSON.stringify(w.benchResults, null, 2);
w.benchDone = true;
