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

/** The templates are too many to list in one problem (600 characters at most): where the list is. */
const NAMED = `one of the ${TEMPLATE_NAMES.length} names \`npm run lc -- preview --list\` prints, such as announcement or session-invite`;

/** Renders a template with the sample data of templates/samples.ts; a missing value throws. */
export function renderPreview(name: string | undefined): { name: TemplateName; rendered: RenderedNotice } {
  if (!name) throw new ValidationError('the preview', [`template: required; ${NAMED}`]);
  if (!isTemplateName(name))
    throw new ValidationError('the preview', [`template: "${name}" is not a template; ${NAMED}`]);
  return { name, rendered: renderSample(name) };
}
