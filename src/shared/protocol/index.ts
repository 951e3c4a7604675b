export * from './common.ts';
export * from './requests.ts';
export * from './pushes.ts';
export * from './envelope.ts';
export * from './sfu.ts';
export * from './directory.ts';
export * from './closeCodes.ts';
