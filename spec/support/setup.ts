/**
 * Loaded before every spec file (see .mocharc.json): an isolated RIGEL_HOME, and the database the
 * specs run on — SQLite in a temporary folder, or PostgreSQL when RIGEL_TEST_DIALECT=postgres
 * (the test script sets it for its second pass, with RIGEL_TEST_DATABASE_URL).
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'rigel-spec-'));
process.env.RIGEL_HOME = home;
delete process.env.RIGEL_API_URL;
delete process.env.RIGEL_API_KEY;

if (process.env.RIGEL_TEST_DIALECT === 'postgres') {
  const url = process.env.RIGEL_TEST_DATABASE_URL;
  if (!url) throw new Error('RIGEL_TEST_DIALECT=postgres needs RIGEL_TEST_DATABASE_URL');
  process.env.RIGEL_DATABASE_URL = url;
} else {
  process.env.RIGEL_DATABASE_URL = `sqlite://${join(home, 'rigel.db')}`;
}
