/* Site search page (站内查询). Runs the query found in the page address (?q=…&scope=…&区县=…),
   against one column's Pagefind bundles, or all columns' bundles merged for a city-wide search,
   ranked by search-rank.js with the site's lexicon (the page's #search-words). Results for the same
   page of several columns (the same 事项 in each district) are one result with 「其他区县 N 条」.
   The Pagefind files are built with the site and served from it; nothing is loaded from elsewhere. */
import { rankedSearch } from "./search-rank.js";

const FILTERS = ["区县", "领域", "类型", "年份", "效力状态", "政策解读"];
const PAGE = 12;          // results loaded at a time: each costs a request for its fragment

const form = document.querySelector("form[data-search]");
const status = document.querySelector("[data-status]");
const list = document.querySelector("[data-results]");
const more = document.querySelector("[data-more]");
const root = new URL(form.dataset.root, window.location.href);
const bundles = JSON.parse(form.dataset.bundles);
const words = JSON.parse(document.getElementById("search-words").textContent);
const filterBox = document.querySelector("[data-filter-box]");
const params = new URLSearchParams(window.location.search);
const scope = bundles.some((b) => b.column === params.get("scope")) ? params.get("scope") : "";

form.elements.q.value = params.get("q") || "";
form.elements.scope.value = scope;

function say(text) {
  status.textContent = text;
}

async function loadPagefind() {
  const chosen = scope ? bundles.filter((b) => b.column === scope) : bundles;
  const primary = chosen[0];
  const pagefind = await import(new URL(primary.path + "pagefind.js", root).href);
  await pagefind.options({ baseUrl: root.pathname, excerptLength: 36 });
  for (const other of chosen.slice(1)) {
    try {
      await pagefind.mergeIndex(new URL(other.path, root).href, { baseUrl: root.pathname });
    } catch (error) {
      console.warn(`search: no index for ${other.name}`, error);   // a column with nothing to index
    }
  }
  return pagefind;
}

function fillFilters(available) {
  for (const key of FILTERS) {
    const select = form.querySelector(`select[data-filter="${key}"]`);
    const values = Object.keys(available[key] || {});
    values.sort((a, b) => (key === "年份" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN")));
    for (const value of values) {
      select.append(new Option(`${value}（${available[key][value]}）`, value));
    }
    const wanted = params.get(key);
    if (wanted && values.includes(wanted)) select.value = wanted;
    // Disabled rather than hidden: the form keeps its shape while the index loads (no layout shift)
    select.disabled = values.length === 0;
  }
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
  filtersLoaded ||= pagefind.filters().then(fillFilters);
  return filtersLoaded;
}

/* Pagefind excerpts are HTML with <mark> around matches; keep only text and <mark>. */
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "result-excerpt";
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(chinesePunctuation(node.textContent)));
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

/* The same page in several columns: its address without the column's folder, its title without
   the column's name. */
function groupKey(data) {
  const path = new URL(data.url, window.location.href).pathname.slice(root.pathname.length);
  const column = columnOf(data);
  const title = (data.meta.title || "").split(column).join("");
  return `${path.split("/").slice(1).join("/")}|${title}`;
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
let shown = 0;
let run = 0;
let groups = new Map();

/* A group: its first result shown whole, the others as links in 「其他区县 N 条」. */
function addOther(group, data) {
  if (!group.others) {
    group.others = document.createElement("details");
    group.others.className = "result-others";
    group.others.append(document.createElement("summary"), document.createElement("ul"));
    group.li.append(group.others);
  }
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = columnOf(data) || data.meta.title;
  item.append(link);
  group.others.lastChild.append(item);
  group.count += 1;
  group.others.firstChild.textContent = `其他区县 ${group.count} 条`;
}

function promote(group, data) {
  const li = resultItem(data);
  if (group.others) li.append(group.others);
  list.replaceChild(li, group.li);
  const before = group.head;
  Object.assign(group, { li, head: data });
  addOther(group, before);
}

function preferred(batch, column) {
  const own = column ? batch.findIndex((d) => columnOf(d) === column) : -1;
  if (own > 0) batch.unshift(...batch.splice(own, 1));
  return batch;
}

async function showMore() {
  const mine = run;
  const slice = results.slice(shown, shown + PAGE);
  const loaded = await Promise.all(slice.map((r) => r.data()));
  if (mine !== run) return;
  const batches = new Map();
  for (const data of loaded) {
    const key = groupKey(data);
    if (!batches.has(key)) batches.set(key, []);
    batches.get(key).push(data);
  }
  // First of a group: the district the query names, else the column searched, else the city's own
  const own = (results.query && results.query.column) || (scope && bundles.find((b) => b.column === scope).name)
    || words.city;
  for (const [key, batch] of batches) {
    let group = groups.get(key);
    const members = preferred(batch, own);
    if (!group) {
      const head = members.shift();
      group = { li: resultItem(head), head, count: 0, others: null };
      groups.set(key, group);
      list.append(group.li);
    } else if (own && columnOf(members[0]) === own && columnOf(group.head) !== own) {
      promote(group, members.shift());            // the preferred column arrived in a later batch
    }
    members.forEach((data) => addOther(group, data));
  }
  shown += slice.length;
  list.dataset.loaded = shown;
  more.hidden = shown >= results.length;
  return groups.size;
}

/* The first screen: batches until it shows a few different results (the same 事项 of ten
   districts makes one), within a bound on the fragments a first query loads. */
const FIRST_GROUPS = 6;
const FIRST_BATCHES = 3;

async function showFirst() {
  const mine = run;
  for (let n = 0; n < FIRST_BATCHES && mine === run; n += 1) {
    if ((await showMore()) >= FIRST_GROUPS || shown >= results.length) break;
  }
}

async function search() {
  const mine = ++run;
  const term = form.elements.q.value.trim();
  const filters = chosenFilters();
  const address = new URLSearchParams();
  if (term) address.set("q", term);
  if (scope) address.set("scope", scope);
  for (const [key, value] of Object.entries(filters)) address.set(key, value);
  window.history.replaceState(null, "", `?${address}`);
  list.replaceChildren();
  delete list.dataset.shown;
  groups = new Map();
  more.hidden = true;
  if (!term && Object.keys(filters).length === 0) {
    say("请输入关键词，或选择筛选条件。");
    return;
  }
  say("正在查询…");
  const found = await rankedSearch(pagefind, term, filters, words);
  if (mine !== run) return;
  results = found;
  shown = 0;
  const where = scope ? bundles.find((b) => b.column === scope).name + "专栏" : "全市";
  say(results.length
    ? `在${where}找到 ${results.length} 条与“${term || "筛选条件"}”相关的结果。`
    : `在${where}没有找到与“${term || "筛选条件"}”相关的结果，请换个关键词或放宽筛选条件。`);
  await showFirst();
  if (mine === run) list.dataset.shown = term;        // the results on screen answer this query (for tests and tools)
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
  more.addEventListener("click", showMore);
  filterBox.addEventListener("toggle", () => filterBox.open && loadFilters());
  form.dataset.ready = "true";
  await search();
}

start();
