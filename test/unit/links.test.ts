/** Signed links: bound to a purpose, a person and a programme; a changed byte or a past expiry is refused. */
import { personalLink, signLink, verifyLink, type LinkClaims } from '../../security/links';

const KEY = 'k'.repeat(40);
const NOW = Date.parse('2027-03-01T12:00:00Z');
const claims: LinkClaims = {
  p: 'team',
  e: 'dm@bayview.example.org',
  c: 'tf-cbt',
  s: 'bayview',
  x: NOW + 1000,
};

describe('signed links', () => {
  it('verifies a link under its purpose and returns its claims', () => {
    expect(verifyLink(KEY, signLink(KEY, claims), 'team', NOW)).toEqual({ ok: true, claims });
  });

  it('refuses a link with any changed character, another key, another purpose, or past its expiry', () => {
    const token = signLink(KEY, claims);
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims, s: 'harbor' })).toString('base64url');
    expect(verifyLink(KEY, `${forged}.${sig}`, 'team', NOW)).toEqual({ ok: false, reason: 'tampered' });
    const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
    expect(verifyLink(KEY, `${body}.${flipped}`, 'team', NOW)).toMatchObject({ ok: false });
    expect(verifyLink('x'.repeat(40), token, 'team', NOW)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink(KEY, token, 'apply', NOW)).toEqual({ ok: false, reason: 'wrong-purpose' });
    expect(verifyLink(KEY, token, 'team', NOW + 1000)).toEqual({ ok: false, reason: 'expired' });
    for (const junk of ['', 'abc', 'a.b.c', '..', `${body}.`])
      expect(verifyLink(KEY, junk, 'team', NOW)).toMatchObject({ ok: false });
  });

  it('builds a personal link under the web address that expires after the configured days', () => {
    const url = personalLink(
      { baseUrl: 'https://lc.example.org/', key: KEY, ttlDays: 30 },
      'apply',
      { email: 'pi@bayview.example.org', slug: 'tf-cbt', siteId: 'bayview' },
      NOW,
    );
    const token = url.replace('https://lc.example.org/apply/', '');
    expect(url.startsWith('https://lc.example.org/apply/')).toBe(true);
    const r = verifyLink(KEY, token, 'apply', NOW + 29 * 86_400_000);
    expect(r).toMatchObject({ ok: true, claims: { e: 'pi@bayview.example.org', c: 'tf-cbt', s: 'bayview' } });
    expect(verifyLink(KEY, token, 'apply', NOW + 30 * 86_400_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps links signed with a retired key valid after a rotation ("current,retired"), and signs with the current one', () => {
    const OLD = 'o'.repeat(40);
    const NEW = 'n'.repeat(40);
    const before = signLink(OLD, claims);
    expect(verifyLink(`${NEW},${OLD}`, before, 'team', NOW)).toEqual({ ok: true, claims });
    expect(verifyLink(NEW, before, 'team', NOW)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink(`${NEW},${OLD}`, before, 'signin', NOW)).toEqual({
      ok: false,
      reason: 'wrong-purpose',
    });
    const after = signLink(`${NEW},${OLD}`, claims);
    expect(verifyLink(NEW, after, 'team', NOW)).toEqual({ ok: true, claims });
    expect(verifyLink(OLD, after, 'team', NOW)).toEqual({ ok: false, reason: 'tampered' });
  });
});
