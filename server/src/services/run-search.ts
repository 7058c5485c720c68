/**
 * SQLite: serves the flow-run name search (`name.like`) and tag filter (`tags.all`, `tags.any`) from their
 * index tables (migration SearchIndexes: an FTS5 trigram table of the names, a (tag, run) table), so
 * that a rare word or tag does not read every run. PostgreSQL needs none of this: its GIN indexes serve
 * the same `ILIKE` and `@>` clauses, and its planner knows from its statistics when to use them.
 *
 * The index only narrows: the filter's own clause (filters.ts) still decides, so the semantics stay those
 * of `LIKE` (case-insensitive for ASCII) and of the JSON tags. A narrowing is added only when the index
 * names fewer than SEARCH_INDEX_LIMIT runs: then the query reads at most that many runs. A word or tag
 * that more runs have is found as before, by reading the runs in the list's order until enough match
 * (one run in SEARCH_INDEX_LIMIT / total or more matches, so a page stops early). Strings of fewer than
 * 3 characters have no trigram and are always found that way.
 */
import type { Database } from '../db/database';
import type { FlowRunFilter } from '../schemas/dto/filters.dto';
import type { Where } from './filters';
import { placeholders } from './rows';

/** Below this many candidate runs a name or tag is served from its index. */
export const SEARCH_INDEX_LIMIT = 5_000;

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
  /** `indexLimit`: below this many candidate runs a name or tag is served from its index. */
  constructor(
    private readonly db: Database,
    private readonly indexLimit = SEARCH_INDEX_LIMIT,
  ) {}

  /** Adds to `where` (runs aliased `r`) the index narrowings that pay off for this filter. */
  async narrow(where: Where, filter: FlowRunFilter | undefined): Promise<void> {
    if (this.db.dialect !== 'sqlite' || !filter) return;
    const phrase = filter.name?.like === undefined ? null : trigramPhrase(filter.name.like);
    if (phrase && (await this.fewer(NAME_MATCH, [phrase]))) {
      where.add(`r."id" IN (SELECT s."flowRunId" FROM "flow_run_search" s WHERE s."key" IN (${NAME_MATCH}))`, phrase);
    }
    const tagSets = [
      ...(filter.tags?.all ?? []).map((tag) => [tag]),
      ...(filter.tags?.any?.length ? [filter.tags.any] : []),
    ];
    for (const tags of tagSets) {
      const inTags = `SELECT "flowRunId" FROM "flow_run_tag" WHERE "tag" IN (${placeholders(tags.length)})`;
      if (await this.fewer(inTags, tags)) where.add(`r."id" IN (${inTags})`, ...tags);
    }
  }

  /** Whether `select` gives fewer than `indexLimit` rows (reading at most that many). */
  private async fewer(select: string, params: unknown[]): Promise<boolean> {
    const rows = await this.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (${select} LIMIT ?)`, [
      ...params,
      this.indexLimit,
    ]);
    return Number(rows[0]?.n ?? 0) < this.indexLimit;
  }
}
