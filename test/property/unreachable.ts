/**
 * Stand-ins for the services in the CLI's property test: connecting succeeds, using them throws an
 * error carrying SERVICE_REACHED. A command that gets that far took its arguments as valid; one
 * refused before it never touches a service.
 */
export const SERVICE_REACHED = '«service reached»';

export function unreachable(what: string): never {
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === 'then') return undefined; // not a promise: `await` hands the object back
        throw new Error(`${what} ${SERVICE_REACHED} (.${String(key)})`);
      },
    },
  ) as never;
}
