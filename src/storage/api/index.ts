export * from './query.ts';
export * from './storage.ts';
export * from './match.ts';
export * from './dependencies.ts';
