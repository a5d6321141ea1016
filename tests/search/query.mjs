// Query the built site's Pagefind bundles from Node, with file reads in place of fetch.
// stdin: {"site": "/abs/output", "bundles": ["changsha/pagefind/", ...], "top": 10,
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
const pagefind = await import(root + job.bundles[0] + "pagefind.js");
await pagefind.options({ basePath: root + job.bundles[0], baseUrl: "/" });
for (const bundle of job.bundles.slice(1)) {
  await pagefind.mergeIndex(root + bundle, { baseUrl: "/" });
}

// The lexicon and place names the search page carries (#search-words), as the page applies them
const page = await readFile(fileURLToPath(root + "search/index.html"), "utf8");
const words = JSON.parse(page.match(/<script type="application\/json" id="search-words">(.*?)<\/script>/s)[1]);

const answers = [];
for (const query of job.queries) {
  const found = await rankedSearch(pagefind, query.q, query.filters || {}, words);
  const top = await Promise.all(found.slice(0, job.top || 10).map((r) => r.data()));
  answers.push({
    count: found.length,
    results: top.map((d) => ({ url: d.url, title: d.meta.title, where: d.meta.where, filters: d.filters })),
  });
}
process.stdout.write(JSON.stringify(answers));
