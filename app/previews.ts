/** Template previews: the sample of each email, rendered. */
import path from 'node:path';
import { ValidationError } from '../domain/errors';
import type { RenderedNotice } from '../templates/notices';
import {
  isTemplateName,
  renderSample,
  TEMPLATE_DESCRIPTIONS,
  TEMPLATE_NAMES,
  type TemplateName,
} from '../templates/samples';

// ---- template previews -----------------------------------------------------------------------------

/** Where `lc preview` writes by default: .data/preview/<template>.html in the repository. */
export const PREVIEW_DIR = path.join(__dirname, '..', '.data', 'preview');

export function templateList(): { name: TemplateName; description: string }[] {
  return TEMPLATE_NAMES.map((name) => ({ name, description: TEMPLATE_DESCRIPTIONS[name] }));
}

/** Renders a template with the sample data of templates/samples.ts; a missing value throws. */
export function renderPreview(name: string | undefined): { name: TemplateName; rendered: RenderedNotice } {
  if (!name)
    throw new ValidationError('the preview', [`template: required; one of: ${TEMPLATE_NAMES.join(', ')}`]);
  if (!isTemplateName(name))
    throw new ValidationError('the preview', [
      `template: "${name}" is not a template; one of: ${TEMPLATE_NAMES.join(', ')} (see \`npm run lc -- preview --list\`)`,
    ]);
  return { name, rendered: renderSample(name) };
}
