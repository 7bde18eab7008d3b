import { resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import viteConfig from './vite.config.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.ts';
import { openAiServer, setStorageQuota } from './test/support/commands.ts';
import { serveProductionBuild } from './test/support/serve-production-build.ts';

const SHARED_DIR = resolve(import.meta.dirname, '../shared');


export default mergeConfig(
  viteConfig,
  defineConfig({
    plugins: [serveProductionBuild()],
    define: { __SHARED_DIR__: JSON.stringify(SHARED_DIR) },
    server: { fs: { allow: [import.meta.dirname, SHARED_DIR] } },
    test: {
      reporters: ['default', './test/support/summary-reporter.ts'],
      globalSetup: ['./test/support/global-setup.ts'],
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
        },
        {
          extends: true,
          test: {
            name: 'cli',
            include: ['test/cli/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./test/cli/build-once.ts'],
            fileParallelism: false,
            testTimeout: 300_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./test/e2e/support/build.ts'],
            fileParallelism: false,
            testTimeout: 300_000,
            hookTimeout: 300_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'browser',
            include: ['test/browser/**/*.test.ts'],
            globalSetup: ['./test/support/build-production.ts'],
            testTimeout: 120_000,
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              commands: { setStorageQuota, openAiServer },
              provider: playwright({
                launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
              }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
      ],
    },
  }),
);
