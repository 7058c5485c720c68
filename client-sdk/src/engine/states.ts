/**
 * Final states a flow body may return to choose its outcome (orchestration.md §8: returning a state →
 * that state): `return failed('no new files today')`.
 */
import type { StateType } from '@rigel/server';

const MARK = Symbol.for('rigel.returnedState');

export interface ReturnedState {
  readonly [MARK]: true;
  type: StateType;
  name?: string;
  message?: string;
}

function make(type: StateType, message?: string, name?: string): ReturnedState {
  return { [MARK]: true, type, message, name };
}

export const completed = (message?: string): ReturnedState => make('COMPLETED', message);
export const failed = (message: string): ReturnedState => make('FAILED', message);
export const cancelled = (message: string): ReturnedState => make('CANCELLED', message);

export function isReturnedState(value: unknown): value is ReturnedState {
  return typeof value === 'object' && value !== null && MARK in value;
}
