/** What went wrong in a use case, for the CLI and the web to map to an exit code or a status. */

/**
 * What went wrong, for the caller to map: `unavailable` (a service cannot be reached: the CLI
 * exits 2) or a refusal people can act on (`refused` by the workflow's validator, `not-found`,
 * `conflict`, `input` such as an unreadable file: the CLI exits 1; a web API answers 4xx).
 */
export type OperationErrorKind = 'unavailable' | 'refused' | 'not-found' | 'conflict' | 'input';

export class OperationError extends Error {
  constructor(
    message: string,
    public readonly kind: OperationErrorKind = 'unavailable',
  ) {
    super(message);
    this.name = 'OperationError';
  }
}
