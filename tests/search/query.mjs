// Query the built site's Pagefind bundles from Node, with file reads in place of fetch, as the
// search page does (static/search.js): the bases of the column searched (or all), the delta with
// the base copies of its shards left out.
// stdin: {"site": "/abs/output", "scope": "kaifu" | null, "top": 10,
//         "queries": [{"q": "征地补偿", "filters": {"区县": "芙蓉区"}}, ...]}
// stdout: [{"count": n, "results": [{"url", "title", "where", "filters"}, ...]}, ...]
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  return new Response(await readFile(fileURLToPath(url)));
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const root = pathToFileURL(job.site.replace(/\/?$/, "/")).href;

const { rankedSearch } = await import(root + "static/search-rank.js");   // the site's own ranking
const page = await readFile(fileURLToPath(root + "search/index.html"), "utf8");
const words = JSON.parse(page.match(/<script type="application\/json" id="search-words">(.*?)<\/script>/s)[1]);
const index = JSON.parse(page.match(/data-index='([^']*)'/)[1].replace(/&#34;/g, '"').replace(/&amp;/g, "&"));
const scope = job.scope ? index.columns.find((c) => c.column === job.scope) : null;
const chosen = scope ? index.bases.filter((b) => b.columns.includes(scope.column)) : index.bases;
const pagefind = await import(root + chosen[0].path + "pagefind.js");
await pagefind.options({ basePath: root + chosen[0].path, baseUrl: "/" });
for (const bundle of chosen.slice(1)) {
  await pagefind.mergeIndex(root + bundle.path, { baseUrl: "/" });
}
const layers = JSON.parse(await readFile(fileURLToPath(root + index.layers), "utf8"));
const layered = {};
if (layers.delta.length) {
  await pagefind.mergeIndex(root + index.delta, { baseUrl: "/", mergeFilter: { 层: "新" } });
  layered.any = [{ 层: "新" }, { 分片: { none: layers.delta } }];
}

const answers = [];
for (const query of job.queries) {
  const filters = { ...(query.filters || {}), ...(scope ? { 区县: scope.name } : {}), ...layered };
  const found = await rankedSearch(pagefind, query.q, filters, words);
  const top = await Promise.all(found.slice(0, job.top || 10).map((r) => r.data()));
  answers.push({
    count: found.length,
    results: top.map((d) => ({ url: d.url, title: d.meta.title, where: d.meta.where, filters: d.filters })),
  });
}
process.stdout.write(JSON.stringify(answers));
