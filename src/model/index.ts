export * from './attributes.ts';
export * from './builders.ts';
export * from './ids.ts';
export * from './span.ts';
export * from './time.ts';
