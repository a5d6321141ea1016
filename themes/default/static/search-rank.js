/* Chinese query understanding and ranking on top of Pagefind, shared by the search page and the tests.

   A query is read the way a citizen writes it (「低保怎么申请」, 「岳麓区2024年财政预算」):
   - a district or township named in it boosts that column's or township's pages (filters 区县 and
     乡镇街道: jieba may cut a township's name inside a title); a year boosts that year's pages;
   - the site's lexicon (content/search/synonyms.yaml, carried by the search page) turns everyday
     names into the pages' names (低保 → 最低生活保障) and drops question words (怎么, 哪里);
   - words that ask for a service (申请, 办理, 材料) are not required of a page: they put 事项 pages
     and 办事指南 first;
   - what is left is cut into words (Intl.Segmenter), each a "concept".
   Pagefind segments the index with jieba but queries with Intl.Segmenter, and Chromium's segmenter
   cuts words its dictionary lacks (特困, 供养) into characters, which Pagefind then matches anywhere.
   So each word of a concept is searched on its own and the pages holding all of them kept; a
   synonym other than the pages' own name is searched as an exact phrase (a name no page uses finds
   nothing rather than noise); and the index holds each page's heading once more character by
   character (generator/search.py heading_characters). A page must match the concepts (all, or all
   but one in four in a long query). Pages matching more concepts rank first, then by the boosts,
   then by Pagefind's own score. */
const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("zh-CN", { granularity: "word" }) : null;

const DOC_NO = /[\u4e00-\u9fff()（）]{1,12}[〔\[［【]((?:19|20)[0-9]{2})[〕\]］】]第?[0-9]+号/;
const EMPTY = { synonyms: [], fillers: [], service: [], places: [], city: "" };

export function normalize(term) {
  return (term || "").normalize("NFKC").toLowerCase()
    .replace(/[?？!！,，。;；:：、"'“”‘’()（）《》<>]/g, " ").replace(/\s+/g, " ").trim();
}

/* As generator/summary.py character_terms: one term per Chinese character and per run of digits
   or Latin letters. */
export function characterTerms(text) {
  return (text.normalize("NFKC").toLowerCase().match(/[0-9]+|[a-z]+|[\u4e00-\u9fff]/g) || []).join(" ");
}

function segments(text) {
  if (!segmenter) return text.split(/\s+/).filter(Boolean);
  return [...segmenter.segment(text)].filter((p) => p.isWordLike).map((p) => p.segment);
}

/* Characters the segmenter left alone side by side (环|卫, 缴|费) are a word it does not know: one
   word again, as the index (jieba) most likely holds it. */
function joinSingles(words, keep) {
  const out = [];
  let run = "";
  for (const word of words) {
    if (word.length === 1 && /[\u4e00-\u9fff]/.test(word) && !keep.has(word)) {
      run += word;
      continue;
    }
    if (run) out.push(run);
    run = "";
    out.push(word);
  }
  if (run) out.push(run);
  return out;
}

/* The short form people use of a place: 岳麓区 → 岳麓, 洋湖街道 → 洋湖 (two characters at least). */
function shortName(name) {
  const short = name.replace(/(街道|镇|乡|区|县|市)$/, "");
  return short.length >= 2 && short !== name ? short : null;
}

function byLength(words) {
  return [...words].sort((a, b) => b.length - a.length);
}

function takeOut(state, word) {
  if (!word || !state.text.includes(word)) return false;
  state.text = state.text.split(word).join(" ");
  return true;
}

function findPlace(state, places, city) {
  const forms = [];
  const shorts = new Map();
  for (const place of places) {
    const short = shortName(place.name);
    if (short) shorts.set(short, shorts.has(short) ? null : place);    // 长沙 of 长沙市 and 长沙县: neither
    forms.push([place.name, place]);
  }
  for (const [short, place] of shorts) if (place) forms.push([short, place]);
  forms.sort((a, b) => b[0].length - a[0].length);
  let cityNamed = false;
  for (const [form, place] of forms) {
    if (!takeOut(state, form)) continue;
    if (place.township) state.township = state.township || place.name;
    // The city's own name (长沙市) names the whole city, not its column, unless nothing else is named
    if (place.column === city && !place.township) cityNamed = true;
    else state.column = state.column || place.column;
    if (!place.township && place.column !== city) state.district = state.district || place.column;
  }
  if (!state.column && cityNamed) state.column = city;
}

/* A synonym group as a concept: its first word, the pages' own name, searched as Pagefind reads
   it; the others as exact phrases. Pagefind cuts a word its index lacks into characters, so an
   everyday name no page uses (五保户) would otherwise find every page with 五 and 户. */
function lexiconConcept(group) {
  const [name, ...others] = [...new Set(group.map(normalize))];
  // A page holding 低保金 holds 低保: the longer phrase adds nothing but index chunks to load
  const needed = others.filter((w) => !others.some((o) => o !== w && w.includes(o)) && !w.includes(name));
  return [name, ...needed.map((w) => `"${w}"`)];
}

export function understand(term, words = EMPTY) {
  const lexicon = { ...EMPTY, ...words };
  const state = { text: normalize(term), concepts: [], column: null, township: null, year: null, service: false,
    documentNumber: null, district: null };
  const raw = state.text;
  // A document number (文号, 岳征补决〔2026〕19号) is looked up whole, as Pagefind reads it
  const docNo = (term || "").normalize("NFKC").match(DOC_NO);
  if (docNo) {
    state.documentNumber = docNo[0];
    state.concepts.push([characterTerms(docNo[0])]);
    state.text = normalize(state.text.split(normalize(docNo[0])).join(" "));
  }
  findPlace(state, lexicon.places, lexicon.city);
  const year = state.text.match(/(?:^|[^0-9])((?:19|20)[0-9]{2})(?![0-9])/);
  if (year) {
    state.year = year[1];
    for (const form of [`${year[1]}年度`, `${year[1]}年`, year[1]]) takeOut(state, form);
  }
  const variants = [];
  for (const group of lexicon.synonyms) for (const word of group) variants.push([normalize(word), group]);
  variants.sort((a, b) => b[0].length - a[0].length);
  for (const [variant, group] of variants) {
    if (variant && takeOut(state, variant)) state.concepts.push(lexiconConcept(group));
  }
  // Question and service words of two characters or more go wherever they are; a single character
  // (的, 办) only where the segmenter finds it standing alone. Each word left is a concept of its
  // own: Pagefind skips a query word its index lacks, so a phrase is matched word by word.
  const service = new Set(lexicon.service.map(normalize));
  const filler = new Set(lexicon.fillers.map(normalize));
  for (const word of byLength([...service, ...filler]).filter((w) => w.length > 1)) {
    if (takeOut(state, word) && service.has(word)) state.service = true;
  }
  for (const word of joinSingles(segments(state.text), new Set([...service, ...filler]))) {
    if (service.has(word)) state.service = true;
    if (filler.has(word) || service.has(word) || state.concepts.some((c) => c.includes(word) || c.includes(`"${word}"`))) continue;
    state.concepts.push([word]);
  }
  if (!state.concepts.length && state.township) state.concepts.push([state.township]);
  if (!state.concepts.length && !state.column && !state.year) state.concepts.push([raw]);
  if (!state.concepts.length && state.column) state.concepts.push([state.column]);
  return state;
}

/* The pages holding every word of a phrase, each word searched alone: Pagefind skips a word its
   index lacks, so 五保户 searched whole would find every page with a word starting 户. */
async function matchAll(searchWord, phrase) {
  // A phrase with spaces (a 文号 cut into characters, 三公 经费) is searched word by word as written
  const words = phrase.includes(" ") ? phrase.split(" ") : joinSingles(segments(phrase), new Set());
  const found = await Promise.all((words.length ? words : [phrase]).map(searchWord));
  const [first, ...rest] = found;
  const others = rest.map((list) => new Map(list.map((r) => [r.id, r])));
  return first.filter((r) => others.every((m) => m.has(r.id)))
    .map((r) => ({ id: r.id, score: others.reduce((sum, m) => sum + m.get(r.id).score, r.score), result: r }))
    .map(({ result, score }) => Object.assign(Object.create(result), { score }));
}

async function ids(pagefind, term, filters) {
  return new Set((await pagefind.search(term, { filters })).results.map((r) => r.id));
}

/* The pages among the words already searched that also pass `extra`: each word searched again
   with the filter added. Pagefind answers a filter-only search (no term) by loading every index
   chunk of every bundle (64 of 64 on the default site), a word search only the chunk holding it,
   which the first search loaded already: a boost costs one filter chunk, not the whole index. */
async function boosted(pagefind, words, filters, extra) {
  const found = await Promise.all(words.map((w) => ids(pagefind, w, { ...filters, ...extra })));
  return new Set(found.flatMap((set) => [...set]));
}

export async function rankedSearch(pagefind, term, filters = {}, words = EMPTY) {
  if (!term || !term.trim()) {
    const all = (await pagefind.search(null, { filters })).results;       // browsing by filters alone
    all.members = (extra) => ids(pagefind, null, { ...filters, ...extra });
    return all;
  }
  const query = understand(term, words);
  const pages = new Map();
  const byWord = new Map();
  const searchWord = (word) => {
    if (!byWord.has(word)) byWord.set(word, pagefind.search(word, { filters }).then((f) => f.results));
    return byWord.get(word);
  };
  for (const alternatives of query.concepts) {
    const best = new Map();
    const each = alternatives.map((a) => (a.startsWith('"') ? searchWord(a) : matchAll(searchWord, a)));
    for (const found of await Promise.all(each)) {
      for (const r of found) if (!best.has(r.id) || best.get(r.id).score < r.score) best.set(r.id, r);
    }
    for (const [id, r] of best) {
      const page = pages.get(id) || { result: r, hits: 0, score: 0 };
      page.hits += 1;
      page.score += r.score;
      pages.set(id, page);
    }
  }
  const n = query.concepts.length;
  const needed = n - Math.floor(n / 4);
  const kept = [...pages.values()].filter((p) => p.hits >= needed);
  // Boosts read Pagefind's filters only (no page is loaded to rank it)
  const searched = [...byWord.keys()];
  // Of pages alike (the same 事项 in each district), the city's own first when no column is named
  const own = !query.column && !filters["区县"] && words.city;
  const [inTown, inColumn, inYear, items, guides, inOwn] = await Promise.all([
    query.township ? boosted(pagefind, searched, filters, { 乡镇街道: query.township }) : null,
    query.column && !filters["区县"] ? boosted(pagefind, searched, filters, { 区县: query.column }) : null,
    query.year && !filters["年份"] ? boosted(pagefind, searched, filters, { 年份: query.year }) : null,
    query.service ? boosted(pagefind, searched, filters, { 类型: "事项" }) : null,
    query.service ? ids(pagefind, "办事指南", filters) : null,
    own ? boosted(pagefind, searched, filters, { 区县: own }) : null,
  ]);
  const top = Math.max(1e-9, ...kept.map((p) => p.score));
  for (const p of kept) {
    const id = p.result.id;
    p.rank = p.hits * 1000 + (inTown?.has(id) ? 500 : 0) + (inColumn?.has(id) ? 400 : 0) + (inYear?.has(id) ? 200 : 0)
      + (items?.has(id) ? 300 : 0) + (guides?.has(id) ? 50 : 0) + (inOwn?.has(id) ? 20 : 0) + (99 * p.score) / top;
  }
  kept.sort((a, b) => b.rank - a.rank);
  const ranked = kept.map((p) => p.result);
  ranked.query = query;
  ranked.complete = new Set(kept.filter((p) => p.hits === n).map((p) => p.result.id));   // every concept matched
  // Words that between them find every page kept: the first word of each alternative of as many
  // concepts as a page may miss, plus one (a page matching an alternative holds its first word)
  const covering = query.concepts.slice(0, n - needed + 1).flat()
    .map((a) => (a.startsWith('"') || a.includes(" ") ? a.split(" ")[0] : joinSingles(segments(a), new Set())[0] || a));
  ranked.members = (extra) => boosted(pagefind, [...new Set(covering)], filters, extra);
  return ranked;
}
