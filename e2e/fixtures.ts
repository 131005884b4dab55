import { test as base, expect, type Page } from '@playwright/test';
import path from 'node:path';
import {
  REPO_ROOT,
  startBackend,
  type BackendProcess,
  type StartBackendOptions,
} from '../backend/test-support/processes.ts';

export { expect };

export const RENDERER_DIR = path.join(REPO_ROOT, 'dist', 'renderer');
export const DEMO_PASSWORD = 'tandem-demo';

/** Starts a backend serving the built renderer (browser mode), seeded with the demo data. */
export function startWebBackend(options: StartBackendOptions = {}): Promise<BackendProcess> {
  return startBackend({ seed: 'demo', ui: RENDERER_DIR, timeoutMs: 240_000, ...options });
}

interface WorkerFixtures {
  /** one backend shared by the tests of a worker that don't change its data */
  backend: BackendProcess;
}

export const test = base.extend<object, WorkerFixtures>({
  backend: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const backend = await startWebBackend();
      await use(backend);
      await backend.stop();
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  baseURL: async ({ backend }, use) => {
    await use(backend.url);
  },
});

/** Signs in through the login form, as a user would, and waits for the worklist. */
export async function signIn(
  page: Page,
  username: string,
  options: { baseUrl?: string; password?: string } = {},
): Promise<void> {
  const password = options.password ?? DEMO_PASSWORD;
  await page.goto(options.baseUrl ?? '/');
  const form = page.getByTestId('login-form');
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('worklist')).toBeVisible();
}

/** The demo manifest (what the generator seeded), for expectations computed independently of the UI. */
export interface SeededCase {
  caseId: string;
  assignee: string;
  kind: string;
  priority: string;
  studyInstanceUid: string;
}
