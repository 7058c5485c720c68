import { expect } from 'chai';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Flow, ParameterValidationError, withOptions, type State } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

class Window {
  @IsInt() @Min(1) days!: number;
}

class ReportRequest {
  @IsString() region!: string;
  @IsIn(['csv', 'json']) format!: string;
  @IsInt() @Min(1) @Max(100) topN!: number;
  @IsOptional() @ValidateNested() @Type(() => Window) window?: Window;
}

class Parametrised {
  static bodies = 0;
  static received: unknown[] = [];

  @Flow({ name: 'pa-report' })
  async report(request: ReportRequest): Promise<string> {
    Parametrised.bodies++;
    Parametrised.received = [request];
    return `${request.region}:${request.format}`;
  }

  @Flow({ name: 'pa-defaulted' })
  async defaulted(request: ReportRequest = { region: 'eu', format: 'json', topN: 1 }): Promise<string> {
    Parametrised.bodies++;
    return `${request.region}:${request.format}`;
  }

  @Flow({ name: 'pa-primitives' })
  async primitives(count: number, dryRun: boolean, since: Date, label: string): Promise<string> {
    Parametrised.bodies++;
    Parametrised.received = [count, dryRun, since, label];
    return 'ok';
  }

  @Flow({ name: 'pa-unchecked', validateParameters: false })
  async unchecked(count: number): Promise<unknown> {
    Parametrised.bodies++;
    return count;
  }
}

describeInBothModes('flow parameters', (world) => {
  const flows = new Parametrised();
  beforeEach(() => {
    Parametrised.bodies = 0;
    Parametrised.received = [];
  });

  describe('when a DTO parameter is valid', () => {
    it('hands the body an instance of the DTO class', async () => {
      expect(await flows.report({ region: 'eu', format: 'csv', topN: 5 })).to.equal('eu:csv');
      expect(Parametrised.received[0]).to.be.instanceOf(ReportRequest);
    });
  });

  describe('when a DTO parameter is invalid', () => {
    const bad = { region: 7, format: 'xml', topN: 500, window: { days: 0 }, extra: true };

    it('fails the flow run before its body runs, naming every bad field', async () => {
      const error = await flows.report(bad as never).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ParameterValidationError);
      expect(Parametrised.bodies).to.equal(0);
      const fields = (error as ParameterValidationError).problems.map((p) => p.field);
      expect(fields).to.have.members([
        'request.region',
        'request.format',
        'request.topN',
        'request.window.days',
        'request.extra',
      ]);
      const run = await world().onlyFlowRun('pa-report');
      expect(run.stateType).to.equal('FAILED');
      for (const field of fields) expect(run.state?.message).to.contain(field);
      expect(await world().taskRuns(run.id)).to.have.length(0);
    });

    it('with returnState, resolves to the Failed state instead of throwing', async () => {
      const state = (await withOptions(flows.report, { returnState: true })(bad as never)) as unknown as State;
      expect(state.type).to.equal('FAILED');
      expect(state.message).to.contain('Invalid parameters for flow "pa-report"');
    });
  });

  describe('when a DTO parameter without a default is left out', () => {
    it('fails the flow run before its body runs, naming the parameter', async () => {
      const error = await (flows.report as () => Promise<string>)().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ParameterValidationError);
      expect((error as ParameterValidationError).problems).to.deep.equal([
        { field: 'request', message: 'is required (ReportRequest)' },
      ]);
      expect(Parametrised.bodies).to.equal(0);
    });

    it('runs the body with the default when the parameter has one', async () => {
      expect(await flows.defaulted()).to.equal('eu:json');
      expect(Parametrised.bodies).to.equal(1);
    });
  });

  describe('when primitive parameters arrive as strings', () => {
    it('coerces them to the declared types and records the coerced values', async () => {
      await flows.primitives('5' as never, 'true' as never, '2026-11-24' as never, 42 as never);
      expect(Parametrised.received).to.deep.equal([5, true, new Date('2026-11-24'), '42']);
      const run = await world().onlyFlowRun('pa-primitives');
      expect(run.parameters).to.deep.equal({
        count: 5,
        dryRun: true,
        since: '2026-11-24T00:00:00.000Z',
        label: '42',
      });
    });

    it('fails the run naming each parameter that cannot be coerced', async () => {
      const error = await flows
        .primitives('five' as never, 'maybe' as never, 'someday' as never, 'fine')
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ParameterValidationError);
      expect((error as ParameterValidationError).problems.map((p) => p.field)).to.deep.equal([
        'count',
        'dryRun',
        'since',
      ]);
      expect(Parametrised.bodies).to.equal(0);
    });
  });

  describe('when validateParameters is false', () => {
    it('passes the values through unchecked', async () => {
      expect(await flows.unchecked('not a number' as never)).to.equal('not a number');
      expect(Parametrised.bodies).to.equal(1);
    });
  });
});
