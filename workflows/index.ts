export * from './collaborative';
