/** Mocha root hooks: close the shared spec database and browser at the end so the process exits promptly. */
import { closeBrowser } from './browser';
import { closeTestDatabase } from './database';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeBrowser();
    await closeTestDatabase();
  },
};
