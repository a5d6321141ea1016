/* Site search page (站内查询). Runs the query found in the page address (?q=…&scope=…&区县=…),
   against the Pagefind bundles of the column searched (its 区县 filter set), or all of them,
   ranked by search-rank.js with the site's lexicon (the page's #search-words). Results for the same
   page of several columns (the same 事项 in each district) are one result with 「其他区县 N 条」.
   The Pagefind files are built with the site and served from it; nothing is loaded from elsewhere.

   Every column's guides and items are indexed in a base of their own, apart from the records'
   bases (generator/search_layers.py). A query that asks for a service (低保怎么申请) is answered
   first from the guides that match every word of it, as a service hall's counter would; the
   records' bases, which at city scale cost more than the whole page, load when the query asks for
   records (a year, a 文号, a record filter), when no guide matches it whole, or when the reader
   asks for more results. */
import { rankedSearch, understand } from "./search-rank.js";

const FILTERS = ["区县", "领域", "类型", "年份", "效力状态", "政策解读"];
const GUIDE_KINDS = ["事项", "目录", "乡镇（街道）"];      // the kinds of page the guides' base holds
const RECORD_FILTERS = ["年份", "效力状态", "政策解读"];   // filters only records answer
const PAGE = 10;          // results shown at a time: each costs a request for its fragment

const form = document.querySelector("form[data-search]");
const status = document.querySelector("[data-status]");
const list = document.querySelector("[data-results]");
const more = document.querySelector("[data-more]");
const root = new URL(form.dataset.root, window.location.href);
const index = JSON.parse(form.dataset.index);
const words = JSON.parse(document.getElementById("search-words").textContent);
const filterBox = document.querySelector("[data-filter-box]");
const params = new URLSearchParams(window.location.search);
const scope = index.columns.some((c) => c.column === params.get("scope")) ? params.get("scope") : "";
const scopeName = scope ? index.columns.find((c) => c.column === scope).name : "";
let layered = {};         // the filter that leaves out the bases' copies of the delta's shards
let delta = [];           // the delta bundle's shards (pagefind/layers.json)
let deltaLoaded = false;
const merged = new Set(); // the records' bases merged in so far
let recordsReady = Promise.resolve();

form.elements.q.value = params.get("q") || "";
form.elements.scope.value = scope;

function say(text) {
  status.textContent = text;
}

const guideBases = index.bases.filter((b) => b.guides);

/* The records' bases of a column (or of every column). */
function recordBasesOf(column) {
  return index.bases.filter((b) => !b.guides && (!column || b.columns.includes(column)));
}

function isGuideShard(name) {
  return name.startsWith(index.guides + "-");
}

/* The guides' base first, and the delta bundle of the shards changed since when it holds guides
   (generator/search_layers.py): of a base, only pages of shards the delta does not hold count. */
async function loadPagefind() {
  const first = guideBases[0] || recordBasesOf(scope)[0];
  const loaded = await import(new URL(first.path + "pagefind.js", root).href);
  await loaded.options({ baseUrl: root.pathname, excerptLength: 36 });
  const layers = fetch(new URL(index.layers, root)).then((r) => (r.ok ? r.json() : { delta: [] }))
    .catch(() => ({ delta: [] }));
  for (const other of guideBases.slice(1)) await merge(loaded, other.path);
  delta = (await layers).delta || [];
  if (!guideBases.length) {
    merged.add(first.path);
    await addRecords(loaded, recordBasesOf(scope));
  } else if (delta.some(isGuideShard)) {
    await addDelta(loaded);
  }
  return loaded;
}

function merge(loaded, path, extra = {}) {
  return loaded.mergeIndex(new URL(path, root).href, { baseUrl: root.pathname, ...extra });
}

async function addDelta(loaded) {
  if (deltaLoaded || !delta.length) return;
  deltaLoaded = true;
  await merge(loaded, index.delta, { mergeFilter: { 层: "新" } });
  layered = { any: [{ 层: "新" }, { 分片: { none: delta } }] };
}

async function addRecords(loaded, bases) {
  for (const base of bases) {
    if (merged.has(base.path)) continue;
    merged.add(base.path);
    await merge(loaded, base.path);
  }
  await addDelta(loaded);
}

/* The records' bases of the column searched (or of every column), each merged in once. */
function loadRecords(column) {
  recordsReady = recordsReady.then(() => addRecords(pagefind, recordBasesOf(column)));
  return recordsReady;
}

function recordsLoaded(column) {
  return recordBasesOf(column).every((b) => merged.has(b.path));
}

/* A city-wide query that names a district (岳麓区2024年财政预算) searches that district's column:
   its records' bases only, its 区县 filter set. A township's name only boosts (two districts may
   have one of that name), and the city's own name names the whole city. */
const cityWide = params.get("all") === "1";   // the reader asked for the whole city after all

function namedColumn(term) {
  if (scope || cityWide || !term) return null;
  const name = understand(term, words).district;
  return (name && index.columns.find((c) => c.name === name)) || null;
}

/* Does the query ask for guides only ("only": a guide kind chosen), or may the guides answer it
   first (a service asked for, with no year, 文号 or record filter)? */
function guidesAnswer(term, filters, column) {
  if (!guideBases.length || recordsLoaded(column) || RECORD_FILTERS.some((key) => filters[key])) return false;
  if (filters["类型"]) return GUIDE_KINDS.includes(filters["类型"]) ? "only" : false;
  if (!term) return false;
  const query = understand(term, words);
  return query.service && !query.year && !query.documentNumber ? "first" : false;
}

/* Once records are in (some bases, or a delta holding records' shards), guides-only searches keep
   to the guides' kinds of page. */
function guidesFilter() {
  return merged.size || (deltaLoaded && delta.some((name) => !isGuideShard(name)))
    ? { 类型: { any: GUIDE_KINDS } } : {};
}

function fillFilters(available) {
  for (const key of FILTERS) {
    const select = form.querySelector(`select[data-filter="${key}"]`);
    const values = Object.keys(available[key] || {});
    values.sort((a, b) => (key === "年份" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN")));
    for (const value of values) {
      // Counts are the bundles' own: right for the whole city when no delta bundle repeats pages
      select.append(new Option(exactCounts() ? `${value}（${available[key][value]}）` : value, value));
    }
    const wanted = params.get(key);
    if (wanted && values.includes(wanted)) select.value = wanted;
    // Disabled rather than hidden: the form keeps its shape while the index loads (no layout shift)
    select.disabled = values.length === 0;
  }
}

function exactCounts() {
  return !scope && !layered.any;
}

function chosenFilters() {
  const filters = {};
  for (const key of FILTERS) {
    const value = form.querySelector(`select[data-filter="${key}"]`).value;
    if (value) filters[key] = value;
  }
  return filters;
}

/* The filters' values and counts cost a request per filter and bundle: loaded when the box opens. */
let filtersLoaded = null;
function loadFilters() {
  filtersLoaded ||= loadRecords(scope).then(() => pagefind.filters()).then(fillFilters);
  return filtersLoaded;
}

/* Pagefind excerpts are HTML with <mark> around matches; keep only text and <mark>. */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "result-excerpt";
  let before = "";           // the text so far: a full stop may follow a match (<mark>预算</mark>. )
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
      before += node.textContent;
    } else {
      const text = chinesePunctuation(before.slice(-1) + node.textContent).slice(before ? 1 : 0);
      out.append(document.createTextNode(text));
      before += text;
    }
  }
  return out;
}

/* Pagefind ends each block of a page with an English full stop (". "); between Chinese text it reads
   as 。 */
function chinesePunctuation(text) {
  return text.replace(/([\u3000-\u9fff\uff00-\uffef])\.(\s+|$)/g, "$1。").replace(/([。！？；：，、])。/g, "$1");
}

function columnOf(data) {
  return (data.filters["区县"] || [])[0] || "";
}

function resultItem(data) {
  const li = document.createElement("li");
  const title = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  title.append(link);
  const column = columnOf(data);
  if (column && !link.textContent.includes(column)) {
    const tag = document.createElement("span");
    tag.className = "result-column";
    tag.textContent = column;
    title.append(" ", tag);
  }
  li.append(title);
  const info = document.createElement("p");
  info.className = "result-where";
  info.textContent = data.meta.where || "";
  const type = (data.filters["类型"] || [])[0];
  if (type) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = type;
    info.prepend(badge, " ");
  }
  if (data.meta.date) {
    const date = document.createElement("time");
    date.dateTime = data.meta.date;
    date.textContent = data.meta.date;
    info.append(" · ", date);
  }
  li.append(info, excerptNodes(data.excerpt));
  const pair = pairLinks(data.meta);
  if (pair) li.append(pair);
  return li;
}

/* A document's result links its interpretations (政策解读), an interpretation's its 原文: the
   pages carry them as meta (pages.py record_search_entry), addresses relative to the site root. */
function pairLinks(meta) {
  const links = [];
  if (meta.yuanwen_url) links.push(["原文", meta.yuanwen, meta.yuanwen_url]);
  for (let n = 1; meta[`jiedu_${n}_url`]; n += 1) {
    links.push([meta[`jiedu_${n}_form`], meta[`jiedu_${n}_title`], meta[`jiedu_${n}_url`]]);
  }
  if (!links.length) return null;
  const box = document.createElement("p");
  box.className = "result-pair";
  box.append(meta.yuanwen_url ? "" : "政策解读：");
  links.forEach(([label, title, path], index) => {
    const badge = document.createElement("span");
    badge.className = "badge form";
    badge.textContent = label;
    const link = document.createElement("a");
    link.href = new URL(path, root).href;
    link.textContent = title;
    if (index) box.append("；");
    box.append(badge, " ", link);
  });
  return box;
}

let pagefind = null;
let results = [];
let next = 0;             // the next result not yet shown or counted in a group
let claimed = new Set();  // results shown, or counted in a group shown
let shownGroups = 0;
let run = 0;
let widening = null;      // the query whose first screen holds guides only (the records not loaded)

/* A group's other members (the same 事项 or catalogue in other columns, filter 组): counted from
   the filters alone, loaded when the reader opens 「其他区县 N 条」. */
function addOthers(li, others) {
  const box = document.createElement("details");
  box.className = "result-others";
  const summary = document.createElement("summary");
  summary.textContent = `其他区县 ${others.length} 条`;
  const items = document.createElement("ul");
  box.append(summary, items);
  box.addEventListener("toggle", async () => {
    if (!box.open || items.childElementCount) return;
    for (const data of await Promise.all(others.map((r) => r.data()))) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = data.url;
      link.textContent = columnOf(data) || data.meta.title;
      item.append(link);
      items.append(item);
    }
  });
  li.append(box);
}

/* The first of a group shown whole: the column the query names, else the one searched, else
   the city's own, when the group has a page there; found by filter, so only that page is loaded. */
async function groupOf(result, data, own) {
  const key = (data.filters["组"] || [])[0];
  if (!key || !results.members) return { head: data, others: [] };
  const [members, ownOnes] = await Promise.all([
    results.members({ 组: key }),
    own && columnOf(data) !== own ? results.members({ 组: key, 区县: own }) : new Set(),
  ]);
  const inGroup = results.filter((r) => members.has(r.id) && !claimed.has(r.id));
  const ownResult = inGroup.find((r) => ownOnes.has(r.id) && r.id !== result.id);
  const head = ownResult ? await ownResult.data() : data;
  const headId = ownResult ? ownResult.id : result.id;
  inGroup.forEach((r) => claimed.add(r.id));
  claimed.add(result.id);
  return { head, others: inGroup.filter((r) => r.id !== headId) };
}

/* Up to PAGE more results. Fragments (a request each) load a few at a time in rank order, so that
   the pages of a group shown already are counted, not loaded. */
const AT_ONCE = 2;

async function showMore(count = PAGE) {
  const mine = run;
  const own = (results.query && results.query.column) || scopeName || words.city;
  let added = 0;
  while (added < count && next < results.length) {
    const batch = [];
    while (batch.length < Math.min(AT_ONCE, count - added) && next < results.length) {
      const result = results[next++];
      if (!claimed.has(result.id)) batch.push(result);
    }
    const loaded = await Promise.all(batch.map((r) => r.data()));
    if (mine !== run) return shownGroups;
    for (const [n, result] of batch.entries()) {
      if (claimed.has(result.id)) continue;          // counted in a group shown just before
      const { head, others } = await groupOf(result, loaded[n], own);
      if (mine !== run) return shownGroups;
      const li = resultItem(head);
      if (others.length) addOthers(li, others);
      list.append(li);
      added += 1;
      shownGroups += 1;
    }
  }
  while (next < results.length && claimed.has(results[next].id)) next += 1;
  list.dataset.loaded = shownGroups;
  more.hidden = next >= results.length;
  return shownGroups;
}

/* The first screen: a few different results (the same 事项 of ten districts makes one). */
const FIRST_GROUPS = 6;

async function showFirst() {
  const mine = run;
  if (mine === run) await showMore(FIRST_GROUPS);
}

async function search() {
  const mine = ++run;
  const term = form.elements.q.value.trim();
  const filters = chosenFilters();
  const address = new URLSearchParams();
  if (term) address.set("q", term);
  if (scope) address.set("scope", scope);
  if (cityWide) address.set("all", "1");
  for (const [key, value] of Object.entries(filters)) address.set(key, value);
  window.history.replaceState(null, "", `?${address}`);
  list.replaceChildren();
  delete list.dataset.shown;
  claimed = new Set();
  shownGroups = 0;
  next = 0;
  widening = null;
  more.hidden = true;
  if (!term && Object.keys(filters).length === 0) {
    say("请输入关键词，或选择筛选条件。");
    return;
  }
  say("正在查询…");
  const named = namedColumn(term);
  const column = scope || (named ? named.column : "");
  const columnName = scopeName || (named ? named.name : "");
  const asked = { term, filters, column, columnName, named, where: columnName ? columnName + "专栏" : "全市" };
  const answer = guidesAnswer(term, filters, column);
  if (answer) {
    const found = await rankedSearch(pagefind, term, { ...guidesFilter(), ...searched(asked) }, words);
    if (mine !== run) return;
    results = answer === "only" ? found : Object.assign(found.filter((r) => found.complete.has(r.id)),
      { query: found.query, members: found.members });
    widening = answer === "first" ? asked : null;
    if (answer === "only" || results.length) {
      sayFound(asked, results.length, widening !== null);
      await showFirst();
      if (mine !== run) return;
    }
    if (answer === "only" || shownGroups > 0) {
      if (widening) more.hidden = false;               // the records come with more results
      list.dataset.shown = term;
      return;
    }
    list.replaceChildren();                            // too few: the guides and the records together
    claimed = new Set();
    shownGroups = 0;
    next = 0;
    widening = null;
    say("正在查询…");
  }
  await loadRecords(column);
  if (mine !== run) return;
  results = await rankedSearch(pagefind, term, searched(asked), words);
  if (mine !== run) return;
  sayFound(asked, results.length, false);
  await showFirst();
  if (mine === run) list.dataset.shown = term;        // the results on screen answer this query (for tests and tools)
}

function searched({ filters, columnName }) {
  return { ...filters, ...(columnName ? { 区县: columnName } : {}), ...layered };
}

function sayFound({ term, where, named }, count, guidesOnly) {
  const what = `“${term || "筛选条件"}”`;
  if (guidesOnly) say(`在${where}找到 ${count} 条与${what}相关的办事事项和指南；政务公开信息见“显示更多结果”。`);
  else if (count) say(`在${where}找到 ${count} 条与${what}相关的结果。`);
  else say(`在${where}没有找到与${what}相关的结果，请换个关键词或放宽筛选条件。`);
  if (named) {                                       // the district came from the query: the city is a click away
    const address = new URLSearchParams(window.location.search);
    address.set("all", "1");
    const link = document.createElement("a");
    link.href = `?${address}`;
    link.dataset.cityWide = "";
    link.textContent = "查看全市的结果";
    status.append(" ", link);
  }
}

/* More results after a first screen of guides: the records' bases load, the query runs over
   everything, and the list goes on with what it does not show yet. */
async function widen() {
  const mine = run;
  const asked = widening;
  widening = null;
  more.disabled = true;
  say("正在加载政务公开信息…");
  await loadRecords(asked.column);
  const found = await rankedSearch(pagefind, asked.term, searched(asked), words);
  more.disabled = false;
  if (mine !== run) return false;
  results = found;
  next = 0;
  sayFound(asked, results.length, false);
  return true;
}

let timer = 0;

async function start() {
  say("正在加载查询索引…");
  try {
    pagefind = await loadPagefind();
    if (FILTERS.some((key) => params.get(key))) {
      filterBox.open = true;
      await loadFilters();
    }
  } catch (error) {
    say("查询索引加载失败，请稍后再试。");
    throw error;
  }
  form.addEventListener("submit", (event) => {
    if (form.elements.scope.value !== scope) return;   // another scope: load the page for it
    event.preventDefault();
    window.clearTimeout(timer);         // Enter runs the query now: the typing's pending run is dropped
    search();
  });
  form.elements.scope.addEventListener("change", () => form.submit());
  for (const key of FILTERS) {
    form.querySelector(`select[data-filter="${key}"]`).addEventListener("change", search);
  }
  form.elements.q.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 300);
  });
  more.addEventListener("click", async () => {
    if (widening && !(await widen())) return;
    showMore();
  });
  filterBox.addEventListener("toggle", () => filterBox.open && loadFilters());
  form.dataset.ready = "true";
  await search();
}

start();
