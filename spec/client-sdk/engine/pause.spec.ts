import { expect } from 'chai';
import { IsBoolean, IsString, Length } from 'class-validator';
import { Flow, pauseFlowRun, suspendFlowRun, Task } from '@rigel/sdk';
import { PauseExpiryService } from '@rigel/server/services/pause-expiry';
import { describeInBothModes, eventually, names, type SdkWorld } from '../../support/sdk';

class Approval {
  @IsBoolean() approved!: boolean;
  @IsString() @Length(1, 50) reviewer!: string;
}

class PausingFlows {
  @Task({ name: 'pz-prepare' })
  async prepare(): Promise<string> {
    return 'report';
  }

  @Task({ name: 'pz-publish' })
  async publish(what: string, reviewer: string): Promise<string> {
    return `${what} approved by ${reviewer}`;
  }

  @Flow({ name: 'pz-approval' })
  async approval(): Promise<string> {
    const report = await this.prepare();
    const answer = await pauseFlowRun({ waitForInput: Approval, timeoutSeconds: 30, pollIntervalSeconds: 0.05 });
    if (!answer?.approved) return 'rejected';
    return this.publish(report, answer.reviewer);
  }

  @Flow({ name: 'pz-times-out' })
  async timesOut(): Promise<string> {
    await pauseFlowRun({ timeoutSeconds: 0.2, pollIntervalSeconds: 0.05 });
    return 'resumed';
  }

  @Flow({ name: 'pz-suspends' })
  async suspends(): Promise<string> {
    await suspendFlowRun();
    return 'resumed';
  }
}

const flows = new PausingFlows();

async function pausedRun(world: SdkWorld, flowName: string) {
  const runs = await eventually(
    () => world.flowRuns(flowName),
    (list) => list[0]?.stateType === 'PAUSED',
  );
  expect(runs[0]?.stateType, 'the run pauses').to.equal('PAUSED');
  return runs[0]!;
}

describeInBothModes('pausing flow runs', (world) => {
  describe('when a flow pauses for typed input', () => {
    it('waits paused, refuses input that does not fit, and goes on with the input given on resume', async () => {
      const result = flows.approval();
      const run = await pausedRun(world(), 'pz-approval');
      expect(run.state?.stateDetails.runInputKeyset).to.deep.equal({
        schema: 'pause-1-schema',
        response: 'pause-1-response',
      });
      const inputs = world().services.flowRunInputs;
      const bad = await inputs
        .resume(run.id, { approved: 'yes' })
        .catch((error: unknown) => error as { details?: { field: string }[] });
      expect((bad as { details?: { field: string }[] }).details?.map((d) => d.field)).to.include.members([
        'runInput.approved',
        'runInput.reviewer',
      ]);
      const resumed = await inputs.resume(run.id, { approved: true, reviewer: 'ann' });
      expect(resumed.result.status).to.equal('ACCEPT');
      expect(await result).to.equal('report approved by ann');
      const history = names(await world().states('flow', run.id));
      expect(history).to.deep.equal(['Pending', 'Running', 'Paused', 'Running', 'Completed']);
      expect((await world().run('flow', run.id)).runCount).to.equal(1);
    });
  });

  describe('when a pause times out', () => {
    it('fails the run: paused and never resumed', async () => {
      const result = flows.timesOut().catch((error: unknown) => error as Error);
      const run = await pausedRun(world(), 'pz-times-out');
      await new Promise((r) => setTimeout(r, 300));
      const { db, services } = world();
      await new PauseExpiryService(db, services.orchestration, services.clock, 10, () => undefined).runOnce();
      const error = await result;
      expect(error).to.be.instanceOf(Error);
      const final = await world().run('flow', run.id);
      expect(final.stateType).to.equal('FAILED');
      expect(final.state?.message).to.match(/never resumed/i);
    });
  });

  describe('when a flow run without a deployment suspends', () => {
    it('fails the run with the reason: only deployment runs can suspend', async () => {
      const error = await flows.suspends().catch((e: unknown) => e as Error);
      expect(error).to.be.instanceOf(Error);
      const run = (await world().flowRuns('pz-suspends'))[0]!;
      expect(run.stateType).to.equal('FAILED');
      expect(run.state?.message).to.match(/deployment run can suspend/);
    });
  });
});
