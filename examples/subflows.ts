/**
 * Subflows: a parent flow that runs one child flow per region, then a final task.
 *
 *   npx rigel run examples/subflows.ts --flow monthly-billing --param regions='["eu","us","apac"]'
 *
 * (the file declares two flows, so `--flow` says which one to run)
 *
 * Each child is a flow run of its own (with its own retries and task runs), linked to a task run in
 * the parent that mirrors its state — the dashboard shows the tree.
 */
import { Flow, Task } from '@rigel/sdk';

export class RegionalBilling {
  @Task()
  async invoices(region: string): Promise<number> {
    return region.length * 120;
  }

  @Task()
  async charge(region: string, invoices: number): Promise<number> {
    return Math.round(invoices * (region === 'eu' ? 19.5 : 12.25));
  }

  @Flow({ name: 'bill-region', retries: 1 })
  async billRegion(region: string): Promise<number> {
    const invoices = await this.invoices(region);
    return this.charge(region, invoices);
  }

  @Task()
  async ledger(totals: number[]): Promise<number> {
    return totals.reduce((sum, t) => sum + t, 0);
  }

  @Flow({ name: 'monthly-billing' })
  async monthly(regions: string[] = ['eu', 'us', 'apac']): Promise<number> {
    const totals: number[] = [];
    for (const region of regions) totals.push(await this.billRegion(region));
    return this.ledger(totals);
  }
}

if (require.main === module) {
  new RegionalBilling()
    .monthly()
    .then((total) => console.log({ total }))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
