/**
 * The one place where a form's problems become what people read beside its fields. Problems come
 * from the domain's schemas and the workflow's refusals as `path: message` lines
 * (`coreTeam.members[1].email: not a valid email address`) or as whole sentences (`applications
 * closed on …`). A form names its fields (input name → visible label); each problem whose path is
 * one of them (or lies inside one) goes beside that field, in words: the path is dropped, and a
 * message that repeats the field's label does not repeat it again. Every other problem is about
 * the form as a whole. The summary at the top of the page lists them all, each linked to its field
 * (or to its form).
 *
 * Wording itself belongs to the schemas (domain/): a message that reads badly is fixed there.
 */

export interface FieldSpec {
  /** The input's name (`values.fidelity`, `coreTeam.members[0].role`). */
  name: string;
  /** Its visible label, for the summary ("Fidelity", "Member 1: role"). */
  label: string;
  /** Other paths that mean this field (the use case names the reschedule's date `at`). */
  also?: string[];
}

export interface Problem {
  message: string;
  /** The field it belongs to, when it is about one. */
  field?: FieldSpec;
}

export interface FormErrors {
  /** The form these are for (its id). */
  form: string;
  /** The suffix of its fields' ids, when one page holds the same form several times (one per team). */
  suffix?: string;
  all: Problem[];
  /** The messages beside the field named `name`. */
  of(name: string): string[];
  /** Whether any problem belongs to a field whose name starts with `prefix` (a section holding errors). */
  any(prefix?: string): boolean;
}

const PATH = /^([A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\])*): ([\s\S]+)$/;

/** Shared words for what zod says without a message of ours. */
function words(message: string): string {
  if (message === 'required' || message === 'Required') return 'fill this in';
  // A number field holding words (zod's own message names types, not what to do).
  if (/^Expected number, received (string|nan)$/.test(message)) return 'write a number';
  return message;
}

function withoutLabel(message: string, label: string): string {
  const prefix = `${label.toLowerCase()}: `;
  return message.toLowerCase().startsWith(prefix) ? message.slice(prefix.length) : message;
}

export function formErrors(
  form: string,
  problems: string[] | undefined,
  fields: FieldSpec[],
  suffix?: string,
): FormErrors {
  const all: Problem[] = (problems ?? []).map((p) => {
    const m = PATH.exec(p);
    if (!m) return { message: p };
    const [, path, message] = m as unknown as [string, string, string];
    // The longest field name that is the path or contains it (`coreTeam.members` holds `coreTeam.members[3]`).
    const field = fields
      .filter((f) =>
        [f.name, ...(f.also ?? [])].some(
          (n) => path === n || path.startsWith(`${n}.`) || path.startsWith(`${n}[`),
        ),
      )
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (!field) return { message: p };
    return { field, message: words(withoutLabel(message, field.label)) };
  });
  return {
    form,
    suffix,
    all,
    of: (name) => all.filter((p) => p.field?.name === name).map((p) => p.message),
    any: (prefix = '') => all.some((p) => (prefix ? p.field?.name.startsWith(prefix) : true)),
  };
}

export const NO_ERRORS: FormErrors = formErrors('', [], []);

/** The id of a field's input: names hold dots and brackets, which ids may not keep for CSS. */
export function fieldId(name: string, suffix?: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}${suffix ? `--${suffix.replace(/[^A-Za-z0-9_-]/g, '-')}` : ''}`;
}
