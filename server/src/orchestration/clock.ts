/** Rules read time only through an injected clock, so specs can pin it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock for specs: starts at `start` and moves only when told to. */
export class FakeClock {
  private current: number;

  constructor(start: Date | string = '2030-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  readonly now: Clock = () => new Date(this.current);

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }

  set(time: Date | string): void {
    this.current = new Date(time).getTime();
  }
}
