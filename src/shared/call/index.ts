export * from './model.ts';
export * from './tables.ts';
export * from './effects.ts';
export * from './record.ts';
export * from './machine.ts';
