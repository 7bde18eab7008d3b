/** Moved to src/session/workers.ts (the table beside the session); this re-export goes once the session imports it from there. */
export { APP_WORKERS, workerFactory, type WorkerFactories, type WorkerName } from '../session/workers.ts';
