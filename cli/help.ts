/** What every command's help shares. */
export const examples = (...lines: string[]) =>
  `\nExamples:\n${lines.map((l) => `  npm run lc -- ${l}`).join('\n')}`;
export const list = (items: readonly string[]) => (items.length ? items.join(', ') : '—');
