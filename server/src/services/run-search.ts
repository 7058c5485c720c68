/**
 * SQLite: serves the flow-run name search (`name.like`) and tag filter (`tags.all`, `tags.any`) from their
 * index tables (migration SearchIndexes: an FTS5 trigram table of the names, a (tag, run) table), so
 * that a rare word or tag does not read every run. PostgreSQL needs none of this: its GIN indexes serve
 * the same `ILIKE` and `@>` clauses, and its planner knows from its statistics when to use them.
 *
 * The index only narrows: the filter's own clause (filters.ts) still decides, so the semantics stay those
 * of `LIKE` (case-insensitive for ASCII) and of the JSON tags. A narrowing is added only when the index
 * names few enough runs (see COUNT_SCAN_RATIO): then the query reads only those. A word or tag that more
 * runs have is found as before, by reading the runs in the list's order until enough match (a page stops
 * early, as one run in a few hundred or more matches). Strings of fewer than 3 characters have no
 * trigram and are always found that way.
 */
import type { Database } from '../db/database';
import type { FlowRunFilter } from '../schemas/dto/filters.dto';
import type { Where } from './filters';
import { placeholders } from './rows';

/**
 * When the index pays off, from S6 (1,000,000 runs, SQLite): a candidate read through the index costs
 * about 10 times a run read in the list's order (a random lookup of the run, and for a page its state,
 * before sorting), and a bounded count's full scan about 1/150 of a candidate. So:
 * - a count narrows when the candidates M < total / COUNT_SCAN_RATIO (1,000,000 runs: 5,000), since
 *   without the index it reads up to every run;
 * - a page of `offset + limit` runs in an indexed order narrows when M² < (offset + limit) × total /
 *   PAGE_LOOKUP_RATIO, since without the index it reads about (offset + limit) × total / M runs
 *   (1,000,000 runs, first page of 25: M < 1,667).
 */
const COUNT_SCAN_RATIO = 200;
const PAGE_LOOKUP_RATIO = 9;

/** What the narrowed query reads: a bounded page in the list's order, or matching runs in any order. */
export type SearchUse = { page: number } | 'count';

/**
 * The FTS5 query of the trigram phrase `text` (runs whose name contains it, case folded), or null when
 * the trigram index cannot answer it (fewer than 3 characters, or a NUL, which FTS5 cannot take).
 */
export function trigramPhrase(text: string): string | null {
  if ([...text].length < 3 || text.includes('\u0000')) return null;
  return `"${text.replace(/"/g, '""')}"`;
}

const NAME_MATCH = `SELECT rowid FROM "flow_run_name_trigram" WHERE "flow_run_name_trigram" MATCH ?`;

export class FlowRunSearch {
  /** `indexLimit`: a fixed limit on the candidates (specs); by default it follows from the use and the runs. */
  constructor(
    private readonly db: Database,
    private readonly indexLimit?: number,
  ) {}

  /** Adds to `where` (runs aliased `r`) the index narrowings that pay off for this filter and use. */
  async narrow(where: Where, filter: FlowRunFilter | undefined, use: SearchUse): Promise<void> {
    if (this.db.dialect !== 'sqlite' || !filter) return;
    const phrase = filter.name?.like === undefined ? null : trigramPhrase(filter.name.like);
    const tagSets = [
      ...(filter.tags?.all ?? []).map((tag) => [tag]),
      ...(filter.tags?.any?.length ? [filter.tags.any] : []),
    ];
    if (!phrase && tagSets.length === 0) return;
    const limit = this.indexLimit ?? (await this.limitFor(use));
    if (phrase && (await this.fewer(NAME_MATCH, [phrase], limit))) {
      where.add(`r."id" IN (SELECT s."flowRunId" FROM "flow_run_search" s WHERE s."key" IN (${NAME_MATCH}))`, phrase);
    }
    for (const tags of tagSets) {
      const inTags = `SELECT "flowRunId" FROM "flow_run_tag" WHERE "tag" IN (${placeholders(tags.length)})`;
      if (await this.fewer(inTags, tags, limit)) where.add(`r."id" IN (${inTags})`, ...tags);
    }
  }

  /** The candidates below which the index pays off (see COUNT_SCAN_RATIO); the runs ≈ the largest key. */
  private async limitFor(use: SearchUse): Promise<number> {
    const rows = await this.db.query<{ n: number | null }>(`SELECT MAX("key") AS n FROM "flow_run_search"`);
    const total = Number(rows[0]?.n ?? 0);
    if (use === 'count') return Math.max(1, Math.floor(total / COUNT_SCAN_RATIO));
    return Math.max(1, Math.floor(Math.sqrt((use.page * total) / PAGE_LOOKUP_RATIO)));
  }

  /** Whether `select` gives fewer than `limit` rows (reading at most that many). */
  private async fewer(select: string, params: unknown[], limit: number): Promise<boolean> {
    const rows = await this.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (${select} LIMIT ?)`, [
      ...params,
      limit,
    ]);
    return Number(rows[0]?.n ?? 0) < limit;
  }
}
