/** Log levels, numeric like Node's and Python's loggers (api.md: 10 debug … 50 critical). */
export const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type LevelName = keyof typeof LEVELS;

export function levelNumber(name: string | undefined): number {
  const key = (name ?? 'INFO').toUpperCase().replace(/^WARN$/, 'WARNING') as LevelName;
  return LEVELS[key] ?? LEVELS.INFO;
}

export function levelName(level: number): LevelName {
  if (level >= 50) return 'CRITICAL';
  if (level >= 40) return 'ERROR';
  if (level >= 30) return 'WARNING';
  if (level >= 20) return 'INFO';
  return 'DEBUG';
}
