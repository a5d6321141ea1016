/* Chinese query ranking on top of Pagefind, shared by the search page and the tests.
   Pagefind segments the index with jieba (extended build) but segments queries in the browser with
   Intl.Segmenter, and only the last query word is matched as a prefix. The two segmenters often cut
   a phrase differently (临时救助 vs 临时|救助), so a plain multi-word query misses pages. Here each
   query word is also searched on its own (as a prefix); a page is a result when it matches the words
   (all of them, or nearly all in a long query), or the whole query as Pagefind reads it. Pages
   matching more rank first, then by Pagefind's score. */
const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("zh-CN", { granularity: "word" }) : null;

export function queryWords(term) {
  if (!segmenter) return term.split(/\s+/).filter(Boolean);
  const words = [];
  for (const part of segmenter.segment(term)) {
    if (part.isWordLike && !words.includes(part.segment.toLowerCase())) words.push(part.segment.toLowerCase());
  }
  return words;
}

export async function rankedSearch(pagefind, term, filters = {}) {
  const words = term ? queryWords(term) : [];
  const whole = await pagefind.search(term || null, { filters });
  if (words.length <= 1) return whole.results;
  const pages = new Map();
  const add = (result, hits) => {
    const page = pages.get(result.id) || { result, hits: 0, score: 0 };
    page.hits += hits;
    page.score += result.score;
    pages.set(result.id, page);
  };
  whole.results.forEach((r) => add(r, 1));
  const each = await Promise.all(words.map((w) => pagefind.search(w, { filters })));
  each.forEach((found) => found.results.forEach((r) => add(r, 1)));
  // Kept: pages that matched the whole query in Pagefind's own way, or every word on its own
  // (one word in four may be missing from a long query: its segmentation may differ).
  const needed = words.length - Math.floor(words.length / 4);
  return [...pages.values()]
    .filter((p) => p.hits >= needed)
    .sort((a, b) => b.hits - a.hits || b.score - a.score)
    .map((p) => p.result);
}
