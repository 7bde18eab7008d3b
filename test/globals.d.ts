/** Absolute path of ../shared (real documents), injected by vitest.config.ts. */
declare const __SHARED_DIR__: string;
