export * from './collaborative';
export * from './team';
export * from './definitions';
export * from './learning-community';
