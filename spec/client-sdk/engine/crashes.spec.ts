import { expect } from 'chai';
import { join } from 'node:path';
import { CrashedRunsService } from '@rigel/server/services/crashed-runs';
import { sdkChildEnv, spawnNode, type Child } from '../../support/child-process';
import { describeInBothModes } from '../../support/sdk';

const SCRIPT = join(__dirname, '..', '..', 'support', 'sdk-crash-flow.js');
const HEARTBEAT_SECONDS = 30;

describeInBothModes('crashed flow runs', (world) => {
  let child: Child | undefined;
  afterEach(() => {
    if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    child = undefined;
  });

  async function startChild(): Promise<string> {
    child = spawnNode([SCRIPT], sdkChildEnv(world().server?.apiUrl));
    const [, flowRunId] = await child.waitForLine(/^TASK RUNNING (\S+)$/);
    return flowRunId!;
  }

  function crashedRuns(): CrashedRunsService {
    const { db, services } = world();
    return new CrashedRunsService(db, services.orchestration, services.clock, HEARTBEAT_SECONDS, 15);
  }

  describe('when the process is killed with SIGKILL while a task runs', () => {
    it("leaves the run alone while its heartbeat is fresh, then the server's service crashes it", async () => {
      const flowRunId = await startChild();
      expect((await world().run('flow', flowRunId)).heartbeatTime).to.be.a('string');
      expect(await crashedRuns().runOnce(new Date())).to.not.include(flowRunId);
      child!.process.kill('SIGKILL');
      expect(await child!.exited).to.equal('SIGKILL');
      expect((await world().run('flow', flowRunId)).stateType).to.equal('RUNNING');

      const later = new Date(Date.now() + (HEARTBEAT_SECONDS * 3 + 5) * 1000);
      expect(await crashedRuns().runOnce(later)).to.deep.equal([flowRunId]);
      const run = await world().run('flow', flowRunId);
      expect(run.state).to.include({ type: 'CRASHED', name: 'Crashed' });
      expect(run.state?.message).to.contain(`No heartbeat for more than ${HEARTBEAT_SECONDS * 3} s`);
    });

    it('crashes its running task run too, naming the flow run', async () => {
      const flowRunId = await startChild();
      child!.process.kill('SIGKILL');
      await child!.exited;
      await crashedRuns().runOnce(new Date(Date.now() + 100_000));
      const [task] = await world().taskRuns(flowRunId);
      expect(task!.stateType).to.equal('CRASHED');
      expect(task!.state?.message).to.contain(`Its flow run ${flowRunId} crashed`);
    });
  });

  for (const [signal, exitCode] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    describe(`when the process receives ${signal} while a task runs`, () => {
      it(`marks its flow run and task run Crashed itself, runs onCrashed hooks and exits ${exitCode}`, async () => {
        const flowRunId = await startChild();
        child!.process.kill(signal);
        expect(await child!.exited).to.equal(exitCode);
        const message = `The process was interrupted by ${signal}`;
        const run = await world().run('flow', flowRunId);
        expect(run.state).to.include({ type: 'CRASHED', message });
        const [task] = await world().taskRuns(flowRunId);
        expect(task!.state).to.include({ type: 'CRASHED', message });
        expect(child!.stdout()).to.contain(`ON CRASHED Crashed: ${message}`);
      });
    });
  }
});
