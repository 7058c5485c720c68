/** A tiny deployment flow for the scale-out spec: three tasks. */
import { Flow, Task } from '@rigel/sdk';

export class ScaleFlow {
  @Task({ name: 'scale-step' })
  async step(i: number): Promise<number> {
    return i + 1;
  }

  @Flow({ name: 'scale-flow', persistResult: false })
  async run(): Promise<number> {
    let sum = 0;
    for (let i = 0; i < 3; i++) sum += await this.step(i);
    return sum;
  }
}
