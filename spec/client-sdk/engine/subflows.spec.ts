import { expect } from 'chai';
import { Flow, RunFailedError, Task } from '@rigel/sdk';
import { describeInBothModes, names } from '../../support/sdk';

class Billing {
  static childBodies = 0;
  static parentAttempts = 0;

  @Task({ name: 'sf-invoices' })
  async invoices(region: string): Promise<number> {
    return region.length * 10;
  }

  @Flow({ name: 'sf-child' })
  async child(region: string): Promise<number> {
    Billing.childBodies++;
    if (region === 'nowhere') throw new Error(`no such region: ${region}`);
    return this.invoices(region);
  }

  @Flow({ name: 'sf-parent' })
  async parent(regions: string[]): Promise<number> {
    let total = 0;
    for (const region of regions) total += await this.child(region);
    return total;
  }

  @Flow({ name: 'sf-flaky-child' })
  async flakyChild(): Promise<string> {
    Billing.childBodies++;
    if (Billing.childBodies === 1) throw new Error('the child failed once');
    return 'child done';
  }

  @Flow({ name: 'sf-parent-of-flaky', retries: 1, retryDelaySeconds: 0 })
  async parentOfFlaky(): Promise<string> {
    return this.flakyChild();
  }

  @Flow({ name: 'sf-retried-parent', retries: 1, retryDelaySeconds: 0 })
  async retriedParent(): Promise<number> {
    Billing.parentAttempts++;
    const total = await this.child('eu');
    if (Billing.parentAttempts === 1) throw new Error('the parent failed after its subflow');
    return total;
  }
}

describeInBothModes('subflows', (world) => {
  const billing = new Billing();
  beforeEach(() => {
    Billing.childBodies = 0;
    Billing.parentAttempts = 0;
  });

  describe('when a flow calls another flow', () => {
    it('runs the child as its own flow run and returns its result to the parent', async () => {
      expect(await billing.parent(['eu', 'apac'])).to.equal(60);
      const parent = await world().onlyFlowRun('sf-parent');
      const children = await world().flowRuns('sf-child');
      expect(children).to.have.length(2);
      expect(children.map((c) => c.stateType)).to.deep.equal(['COMPLETED', 'COMPLETED']);
      const parentTasks = await world().taskRuns(parent.id);
      expect(parentTasks.map((t) => t.id)).to.have.members(children.map((c) => c.parentTaskRunId));
    });

    it("mirrors the child flow run's states on the parent's task run, with childFlowRunId", async () => {
      await billing.parent(['eu']);
      const child = await world().onlyFlowRun('sf-child');
      const mirror = await world().run('task', String(child.parentTaskRunId));
      const mirrored = await world().states('task', mirror.id);
      expect(names(mirrored).slice(-2)).to.deep.equal(['Running', 'Completed']);
      expect(mirrored.at(-1)!.stateDetails.childFlowRunId).to.equal(child.id);
    });

    it("records the child's own task runs under the child flow run", async () => {
      await billing.parent(['eu']);
      const child = await world().onlyFlowRun('sf-child');
      expect((await world().taskRuns(child.id)).map((t) => t.taskKey)).to.deep.equal(['sf-invoices']);
    });
  });

  describe('when the child flow fails', () => {
    it('fails the parent, and the mirroring task run is Failed too', async () => {
      const error = await billing.parent(['nowhere']).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      const parent = await world().onlyFlowRun('sf-parent');
      expect(parent.stateType).to.equal('FAILED');
      const child = await world().onlyFlowRun('sf-child');
      expect(child.state?.message).to.contain('no such region: nowhere');
      expect((await world().run('task', String(child.parentTaskRunId))).stateType).to.equal('FAILED');
    });
  });

  describe('when the parent is retried after its subflow completed', () => {
    it('does not run the subflow again and reuses its result', async () => {
      expect(await billing.retriedParent()).to.equal(20);
      expect(Billing.parentAttempts).to.equal(2);
      expect(Billing.childBodies).to.equal(1);
      expect(await world().flowRuns('sf-child')).to.have.length(1);
    });
  });

  describe('when the parent is retried after its subflow failed', () => {
    it('runs the same child flow run again and completes', async () => {
      expect(await billing.parentOfFlaky()).to.equal('child done');
      const [child, ...others] = await world().flowRuns('sf-flaky-child');
      expect(others).to.have.length(0);
      expect(names(await world().states('flow', child!.id))).to.deep.equal([
        'Pending',
        'Running',
        'Failed',
        'Running',
        'Completed',
      ]);
      expect((await world().run('task', String(child!.parentTaskRunId))).stateType).to.equal('COMPLETED');
    });
  });
});
