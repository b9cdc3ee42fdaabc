/**
 * The use cases of storyboards: a team shares its storyboard for a learning session (a file or a
 * link; a new one replaces the one before); every team of the collaborative and its staff see the
 * gallery, session by session, and download the files.
 */
import type { Db } from 'mongodb';
import { ValidationError } from '../domain/errors';
import {
  checkStoryboardFile,
  cleanFilename,
  storyboardLinkSchema,
  storyboardSessionProblems,
} from '../domain/storyboards';
import { currentSchedule, type CollaborativeDoc } from '../store/collaboratives';
import { ids } from '../store/keys';
import { getSites } from '../store/sites';
import {
  deleteStoryboardFile,
  getStoryboard,
  listStoryboards,
  putStoryboardFile,
  readStoryboardFile,
  saveStoryboard,
  type StoryboardDoc,
} from '../store/storyboards';
import { OperationError } from './errors';
import { windowsOf } from './windows';

export type { StoryboardDoc } from '../store/storyboards';

export interface StoryboardInput {
  session?: unknown;
  link?: unknown;
  /** The uploaded file, when one was chosen. */
  file?: { filename: string; bytes: Buffer };
}

/**
 * A team shares its storyboard for a session: a file, or else a link. `request` names the form
 * post (its one-time field): the same post sent again (a retry, a double click) saves it once.
 */
export async function shareStoryboard(
  db: Db,
  doc: CollaborativeDoc,
  siteId: string,
  input: StoryboardInput,
  by: string,
  at: Date,
  request?: string,
): Promise<StoryboardDoc> {
  const over = windowsOf(doc, doc.phase, at.getTime()).over;
  if (over)
    throw new OperationError(
      `the collaborative has ${over === 'cancelled' ? 'been cancelled' : 'ended'}: storyboards can no longer be shared`,
      'refused',
    );
  const problems = storyboardSessionProblems(input.session, currentSchedule(doc).learningSessions.length);
  const file = input.file && (input.file.filename || input.file.bytes.length) ? input.file : undefined;
  const linkText = typeof input.link === 'string' ? input.link.trim() : '';
  let checked: ReturnType<typeof checkStoryboardFile> | undefined;
  let link: string | undefined;
  if (file) {
    checked = checkStoryboardFile(file.filename, file.bytes);
    if ('problems' in checked) problems.push(...checked.problems);
  } else if (linkText) {
    const r = storyboardLinkSchema.safeParse(linkText);
    if (r.success) link = r.data;
    else problems.push(`link: ${r.error.issues[0]!.message}`);
  } else problems.push('file: choose your storyboard file, or give a link to it below');
  if (problems.length) throw new ValidationError('the storyboard', problems);

  const session = Number(input.session);
  const previous = await getStoryboard(db, doc.slug, siteId, session);
  if (request && previous?.request === request) return previous;
  const _id = ids.storyboard(doc.slug, siteId, session);
  const stored =
    file && checked && !('problems' in checked)
      ? {
          filename: cleanFilename(file.filename),
          contentType: checked.contentType,
          size: file.bytes.length,
        }
      : undefined;
  const next: StoryboardDoc = {
    _id,
    collaborative: doc.slug,
    siteId,
    session,
    version: (previous?.version ?? 0) + 1,
    ...(stored
      ? {
          file: {
            id: await putStoryboardFile(db, _id, stored.filename, stored.contentType, file!.bytes),
            ...stored,
          },
        }
      : { link }),
    by,
    at,
    ...(request ? { request } : {}),
  };
  await saveStoryboard(db, next);
  if (previous?.file) await deleteStoryboardFile(db, previous.file.id);
  return next;
}

export interface GallerySession {
  session: number;
  start: string;
  storyboards: (StoryboardDoc & { siteName: string })[];
}

/** The gallery: every session of the schedule with the storyboards its teams shared for it. */
export async function storyboardGallery(db: Db, doc: CollaborativeDoc): Promise<GallerySession[]> {
  const all = await listStoryboards(db, doc.slug);
  const names = new Map(
    (await getSites(db, [...new Set(all.map((s) => s.siteId))])).map((s) => [s.siteId, s.name]),
  );
  return currentSchedule(doc).learningSessions.map((ls, session) => ({
    session,
    start: ls.start,
    storyboards: all
      .filter((s) => s.session === session)
      .map((s) => ({ ...s, siteName: names.get(s.siteId) ?? s.siteId }))
      .sort((a, b) => a.siteName.localeCompare(b.siteName)),
  }));
}

/** A storyboard's file, to download. */
export async function storyboardFile(
  db: Db,
  doc: CollaborativeDoc,
  siteId: string,
  session: number,
): Promise<{ filename: string; contentType: string; bytes: Buffer }> {
  const s = Number.isInteger(session) ? await getStoryboard(db, doc.slug, siteId, session) : null;
  if (!s?.file)
    throw new OperationError('there is no storyboard file here (replaced by a newer one?)', 'not-found');
  return {
    filename: s.file.filename,
    contentType: s.file.contentType,
    bytes: await readStoryboardFile(db, s.file.id),
  };
}
