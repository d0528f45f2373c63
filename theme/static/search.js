// The search page: answers queries from the static index under search/ (format in
// src/search/web/mod.rs), downloading only the shards a query needs, ranking exactly like
// `pmkb search`, and inserting every result as text. No dependencies.

const WORD = /[\p{Alphabetic}\p{N}]+/gu; // tantivy's SimpleTokenizer: runs of char::is_alphanumeric
const MAX_WORD_BYTES = 40; // RemoveLongFilter: tokens of 40 bytes or more are dropped
const PAGE = 10;
const SNIPPET_CHARS = 160;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function start(form) {
  const base = new URL(form.dataset.index, location.href);
  const root = form.dataset.root;
  const input = form.elements.q;
  const filters = ["root-cause", "measure", "year"].map((name) => form.elements[name]);
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of filters) select.value = params.get(select.name) || "";
  const index = new Index(base);
  let generation = 0;
  let shown = null;

  async function run() {
    const mine = ++generation;
    keepInUrl(input.value, filters);
    if (!input.value.trim()) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    try {
      const found = await index.search(input.value, filters.map((s) => s.value));
      if (mine !== generation) return;
      list.replaceChildren();
      shown = { found, count: 0 };
      status.textContent = found.ids.length
        ? `${found.ids.length} result${found.ids.length === 1 ? "" : "s"}`
        : "No postmortem matches every word.";
      showMore();
    } catch (err) {
      if (mine === generation) status.textContent = `Search failed: ${err.message}`;
    }
  }

  function showMore() {
    const { found } = shown;
    const next = found.ids.slice(shown.count, shown.count + PAGE);
    shown.count += next.length;
    for (const [id] of next) {
      const item = document.createElement("li");
      item.className = "result";
      list.append(item);
      index
        .record(id)
        .then((r) => fill(item, r, found.forms, root))
        .catch((err) => (item.textContent = `(result unavailable: ${err.message})`));
    }
    more.hidden = shown.count >= found.ids.length;
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  for (const select of filters) select.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", showMore);
  run();
}

/** The static index: the manifest, and shards fetched once each. */
class Index {
  constructor(base) {
    this.base = base;
    this.cache = new Map();
    this.manifest = fetch(new URL("index.json", base)).then(ok).then((r) => r.json());
  }

  async url(path) {
    const { id } = await this.manifest;
    return new URL(`${id}/${path}`, this.base);
  }

  /** A file of the index, parsed by `parse` once. */
  file(path, parse) {
    if (!this.cache.has(path)) {
      const bytes = this.url(path).then(fetch).then(ok).then((r) => r.arrayBuffer());
      this.cache.set(path, bytes.then((b) => parse(new Reader(new Uint8Array(b)))));
    }
    return this.cache.get(path);
  }

  /** The stem entry of a word form, or null when no postmortem has the word. */
  async stem(form) {
    const m = await this.manifest;
    const words = await this.file(`w/${shard(form, m.words)}.bin`, (r) =>
      r.entries(() => [r.string(), r.string()]),
    );
    const stem = words.get(form);
    if (stem === undefined) return null;
    const stems = await this.file(`s/${shard(stem, m.stems)}.bin`, readStems);
    return stems.get(stem) || null;
  }

  /** The ids of a category's postmortems. */
  facet(kind, slug) {
    return this.file(`f/${kind}/${encodeURIComponent(slug)}.bin`, (r) => new Set(r.ids()));
  }

  /** What a result shows. */
  record(id) {
    const path = `d/${id}.bin`;
    if (!this.cache.has(path)) {
      const inflate = (r) => new Response(r.body.pipeThrough(new DecompressionStream("gzip")));
      this.cache.set(path, this.url(path).then(fetch).then(ok).then(inflate).then((r) => r.json()));
    }
    return this.cache.get(path);
  }

  /** Ids matching every word with their scores, best first, and the forms to highlight. */
  async search(query, [rootCause, measure, year]) {
    const words = [];
    for (const [word] of query.matchAll(WORD)) {
      if (word === "AND" || encoder.encode(word).length >= MAX_WORD_BYTES) continue;
      words.push(lower(word));
    }
    const entries = await Promise.all(words.map((w) => this.stem(w)));
    const forms = new Set(entries.flatMap((e) => (e ? e.forms : [])));
    if (!words.length || entries.includes(null)) return { ids: [], forms };
    // All words are required; scores add up in f32 as tantivy adds them.
    let scores = entries[0].postings;
    for (const entry of entries.slice(1)) {
      const both = new Map();
      for (const [id, score] of scores) {
        const more = entry.postings.get(id);
        if (more !== undefined) both.set(id, Math.fround(score + more));
      }
      scores = both;
    }
    const keep = [];
    if (rootCause) keep.push(await this.facet("root-causes", rootCause));
    if (measure) keep.push(await this.facet("measures", measure));
    if (year) {
      const range = (await this.manifest).years.find(([y]) => String(y) === year);
      const [, first, end] = range || [0, 0, 0];
      keep.push({ has: (id) => id >= first && id < end });
    }
    const ids = [...scores].filter(([id]) => keep.every((set) => set.has(id)));
    ids.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { ids, forms };
  }
}

function readStems(r) {
  return r.entries(() => {
    const stem = r.string();
    const forms = r.list(() => r.string());
    const scores = r.list(() => r.f32());
    const ids = r.ids();
    const postings = new Map();
    for (const id of ids) postings.set(id, scores.length > 1 ? scores[r.varint()] : scores[0]);
    return [stem, { forms, postings }];
  });
}

/** Reads the index's varints, strings, f32s and id lists. */
class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  varint() {
    let value = 0;
    let scale = 1;
    let byte;
    do {
      byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  }
  string() {
    const length = this.varint();
    const text = decoder.decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  f32() {
    const value = this.view.getFloat32(this.at, true);
    this.at += 4;
    return value;
  }
  list(item) {
    return Array.from({ length: this.varint() }, item);
  }
  ids() {
    let id = 0;
    return this.list(() => (id += this.varint()));
  }
  entries(entry) {
    return new Map(this.list(entry));
  }
}

/** The shard of a key: 32-bit FNV-1a of its UTF-8 bytes, modulo the shard count. */
function shard(key, count) {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(key)) hash = Math.imul(hash ^ byte, 0x01000193);
  return ((hash >>> 0) & (count - 1)).toString(16);
}

/** Lowercase char by char, as tantivy's LowerCaser does (no final-sigma rule). */
function lower(word) {
  return Array.from(word, (c) => c.toLowerCase()).join("");
}

function ok(response) {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return response;
}

function keepInUrl(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const select of filters) if (select.value) params.set(select.name, select.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

/** Fills a result item; every piece of content goes in as text. */
function fill(item, record, forms, root) {
  item.dataset.slug = record.slug;
  const link = document.createElement("a");
  link.className = "result-title";
  link.href = `${root}postmortems/${encodeURIComponent(record.slug)}/`;
  highlight(link, record.title, forms);
  item.append(link);
  if (record.date) {
    const date = document.createElement("time");
    date.className = "result-date";
    date.dateTime = record.date;
    date.textContent = record.date;
    item.append(date);
  }
  const snippet = document.createElement("p");
  snippet.className = "result-snippet";
  highlight(snippet, passage(record.text, forms), forms);
  item.append(snippet);
  const chips = document.createElement("ul");
  chips.className = "chips";
  for (const [kind, cls, pairs] of [
    ["root-causes", "chip", record.root_causes],
    ["measures", "chip chip-measure", record.measures],
  ]) {
    for (const [slug, name] of pairs) {
      const chip = document.createElement("a");
      chip.className = cls;
      chip.href = `${root}${kind}/${encodeURIComponent(slug)}/`;
      chip.textContent = name;
      const li = document.createElement("li");
      li.append(chip);
      chips.append(li);
    }
  }
  if (chips.childElementCount) item.append(chips);
}

/** The stretch of `text` (up to SNIPPET_CHARS) holding the most matched words. */
function passage(text, forms) {
  const hits = [...text.matchAll(WORD)].filter(([w]) => forms.has(lower(w))).map((m) => m.index);
  let best = 0;
  let bestCount = 0;
  for (let i = 0; i < hits.length; i++) {
    let count = 0;
    while (i + count < hits.length && hits[i + count] < hits[i] + SNIPPET_CHARS) count++;
    if (count > bestCount) [best, bestCount] = [hits[i], count];
  }
  let from = Math.max(0, best - 30);
  if (from > 0) from = text.indexOf(" ", from) + 1 || from;
  let to = Math.min(text.length, from + SNIPPET_CHARS);
  if (to < text.length) to = text.lastIndexOf(" ", to) > from ? text.lastIndexOf(" ", to) : to;
  const cut = text.slice(from, to).replace(/\s+/g, " ").trim();
  return (from > 0 ? "… " : "") + cut + (to < text.length ? " …" : "");
}

/** Puts `text` into `element`, with the words whose form matched in <mark>. */
function highlight(element, text, forms) {
  let at = 0;
  for (const match of text.matchAll(WORD)) {
    if (!forms.has(lower(match[0]))) continue;
    element.append(text.slice(at, match.index));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    element.append(mark);
    at = match.index + match[0].length;
  }
  element.append(text.slice(at));
}

const form = document.getElementById("search-form");
if (form) start(form);
