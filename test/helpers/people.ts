/** Applications as a PI fills them in, for tests (shared with the benchmarks: scripts/fixtures.ts). */
export { applicationFor } from '../../scripts/fixtures';
