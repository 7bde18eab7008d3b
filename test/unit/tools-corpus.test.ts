import { describe, expect, it } from 'vitest';
import { corpusFileName, corpusImageName } from '../../src/agent/corpus.ts';

/** VRAG-RL's reward rule (rm.py): the retrieved image's basename before ".jpg" against "<file_name before .pdf>_<page>". */
function rewardMatches(imagePath: string, fileName: string, page: number): boolean {
  const basename = imagePath.replace(/\/+$/, '').split('/').at(-1)!;
  return basename.split('.jpg')[0] === `${fileName.split('.pdf')[0]}_${page}`;
}

describe('corpus export names', () => {
  it("every page image matches its own page by the reward's rule, and no other page", () => {
    const names = ['report.pdf', 'Annual Report 2023.pdf', 'Report.PDF', 'a.b.pdf', 'slide_3_1024.jpg', 'scan.png', 'photo.jpeg', 'deck.pdf.jpg'];
    for (const name of names) {
      const fileName = corpusFileName(name);
      for (const page of [1, 2, 12]) {
        const image = `./search_engine/corpus/img/${corpusImageName(name, page)}`;
        expect(rewardMatches(image, fileName, page), `${name} p. ${page}`).toBe(true);
        expect(rewardMatches(image, fileName, page + 1)).toBe(false);
      }
    }
  });

  it("PDF pages are named as VRAG-RL's pdf2images.py names them", () => {
    // imgname = filename.split('.pdf')[0]; f'{imgname}_{i + 1}.jpg'
    expect(corpusImageName('2023_annual_report.pdf', 1)).toBe('2023_annual_report_1.jpg');
    expect(corpusFileName('2023_annual_report.pdf')).toBe('2023_annual_report.pdf');
    expect(corpusImageName('slide_3_1024.jpg', 1)).toBe('slide_3_1024_jpg_1.jpg');
  });
});
