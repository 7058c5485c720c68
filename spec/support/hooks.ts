/** Mocha root hooks: close the shared spec database at the end so the process exits promptly. */
import { closeTestDatabase } from './database';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeTestDatabase();
  },
};
