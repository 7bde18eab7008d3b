/**
 * A corpus exported for VRAG-RL's training on a cluster: page images in an `img/` folder, named as
 * its search engine and its reward match them. The reward (`verl/workers/reward_manager/rm.py`)
 * compares a retrieved image's basename before `.jpg` with `<file_name before .pdf>_<page>`, and
 * `search_engine/corpus/pdf2images.py` names pages `<name before .pdf>_<page from 1>.jpg`. Pure.
 */

/**
 * The document's `file_name` in the exported RAG dataset: the file name itself, except that `.jpg`
 * inside it becomes `_jpg` (a page image's basename is cut at its first `.jpg`, so an image
 * document such as `slide.jpg` could never match its pages otherwise).
 */
export function corpusFileName(fileName: string): string {
  return fileName.replaceAll('.jpg', '_jpg');
}

/** The page image's name in `img/`: `<corpusFileName before .pdf>_<page>.jpg` (pages count from 1). */
export function corpusImageName(fileName: string, page: number): string {
  return `${corpusFileName(fileName).split('.pdf')[0]}_${page}.jpg`;
}
