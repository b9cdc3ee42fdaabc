import {
  checkStoryboardFile,
  cleanFilename,
  MAX_STORYBOARD_BYTES,
  sniffStoryboard,
  storyboardSessionProblems,
} from '../../domain/storyboards';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
const PPTX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....ppt/slides/slide1.xml')]);
const DOCX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('....word/document.xml')]);

describe('storyboard files', () => {
  it('knows a file by its first bytes', () => {
    expect([PNG, JPEG, PDF, PPTX, DOCX, Buffer.from('<html>')].map((b) => sniffStoryboard(b))).toEqual([
      'png',
      'jpeg',
      'pdf',
      'pptx',
      undefined,
      undefined,
    ]);
  });

  it('takes a file whose bytes and extension agree, with the content type it is served as', () => {
    expect(checkStoryboardFile('board.PNG', PNG)).toEqual({ type: 'png', contentType: 'image/png' });
    expect(checkStoryboardFile('board.jpg', JPEG)).toEqual({ type: 'jpeg', contentType: 'image/jpeg' });
    expect(checkStoryboardFile('board.pdf', PDF)).toEqual({ type: 'pdf', contentType: 'application/pdf' });
    expect(checkStoryboardFile('board.pptx', PPTX)).toMatchObject({ type: 'pptx' });
  });

  it('refuses HTML named as an image, a mismatched name, an empty or too large file, in words', () => {
    const wrong = { problems: ['file: choose a PDF, PNG, JPEG or PowerPoint (.pptx) file'] };
    expect(checkStoryboardFile('board.png', Buffer.from('<html><script>x</script>'))).toEqual(wrong);
    expect(checkStoryboardFile('board.html', PNG)).toEqual(wrong);
    expect(checkStoryboardFile('board.docx', DOCX)).toEqual(wrong);
    expect(checkStoryboardFile('board.pdf', Buffer.alloc(0))).toEqual({
      problems: ['file: the file is empty'],
    });
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_STORYBOARD_BYTES)]);
    expect(checkStoryboardFile('board.pdf', big)).toEqual({
      problems: ['file: the file is 5.0 MB; a storyboard can be at most 5 MB'],
    });
  });

  it('keeps a file name safe for a header', () => {
    expect(cleanFilename('C:\\fakepath\\my "board"\r\n.pdf')).toBe('my board.pdf');
    expect(cleanFilename('')).toBe('storyboard');
  });

  it('takes only a session of the schedule', () => {
    expect(storyboardSessionProblems('2', 3)).toEqual([]);
    for (const bad of ['3', '-1', '', 'x', undefined])
      expect(storyboardSessionProblems(bad, 3)).toEqual(['session: choose one of the 3 learning sessions']);
  });
});
