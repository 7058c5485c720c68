/**
 * A fan-out with `.map()` and a tag concurrency limit.
 *
 *   npx rigel run examples/fan-out.ts --param count=24
 *
 * One task run per page; every `fetchPage` carries the tag `pages-api`, whose concurrency limit (3)
 * is enforced by the server, so at most three run at once however many are submitted. Runs that find
 * the limit full wait (the state history shows why: "The concurrency limit on tag … has been reached").
 */
import { Flow, getRunLogger, map, setConcurrencyLimit, Task, unmapped } from '@rigel/sdk';

export interface Page {
  page: number;
  items: number;
}

export class PageCrawler {
  @Task({ tags: ['pages-api'], retries: 2, retryDelaySeconds: 1 })
  async fetchPage(page: number, pageSize: number): Promise<Page> {
    await new Promise((resolve) => setTimeout(resolve, 50 + (page % 5) * 20));
    return { page, items: page % 7 === 0 ? pageSize - 3 : pageSize };
  }

  @Task()
  async summarize(pages: Page[]): Promise<{ pages: number; items: number }> {
    return { pages: pages.length, items: pages.reduce((sum, p) => sum + p.items, 0) };
  }

  @Flow({ name: 'crawl-pages', taskRunner: { concurrent: 16 } })
  async crawl(count = 24, pageSize = 100): Promise<{ pages: number; items: number }> {
    await setConcurrencyLimit('pages-api', 3);
    const pages = Array.from({ length: count }, (_, i) => i + 1);
    const futures = map(this.fetchPage, pages, unmapped(pageSize));
    const results = await Promise.all(futures.map((f) => f.result()));
    const summary = await this.summarize(results);
    getRunLogger().info(`crawled ${summary.pages} pages, ${summary.items} items`);
    return summary;
  }
}

if (require.main === module) {
  new PageCrawler()
    .crawl(Number(process.argv[2] ?? 24))
    .then((summary) => console.log(summary))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
