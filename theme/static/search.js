// The search page: answers queries from the static index under search/ (format in
// src/search/web/mod.rs), downloading only the shards a query needs, ranking exactly like
// `pmkb search`, and inserting every result as text. No dependencies.

const PAGE = 10;
const SNIPPET_CHARS = 160;
const PREFIX_CHARS = 3; // prefix shards are keyed by a word's first 3 characters
const PREFIX_STEMS = 8; // a prefix matches the stems of at most this many words
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function start(form) {
  const base = new URL(form.dataset.index, location.href);
  const root = form.dataset.root;
  const pageIndex = form.dataset.pageIndex || "";
  const input = form.elements.q;
  const filters = ["root-cause", "measure", "year"].map((name) => form.elements[name]);
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of filters) select.value = params.get(select.name) || "";
  // Arriving from the header's box (or a link), typing goes on here.
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
  const index = new Index(base);
  let generation = 0;
  let shown = null;

  /** Runs the query; `typing` treats its last word as a prefix ("datab" finds "database"). */
  async function run(typing = false) {
    const mine = ++generation;
    keepInUrl(input.value, filters);
    const chosen = filters.map((s) => s.value);
    const browsing = !input.value.trim();
    if (browsing && !chosen.some(Boolean)) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    try {
      const found = browsing
        ? await index.browse(chosen)
        : await index.search(input.value, chosen, typing && /\S$/.test(input.value));
      if (mine !== generation) return;
      list.replaceChildren();
      shown = { found, count: 0 };
      const n = found.ids.length;
      const plural = n === 1 ? "" : "s";
      status.textContent = browsing
        ? `${n} postmortem${plural} with these filters, newest first`
        : n
          ? `${n} result${plural}`
          : "No postmortem matches every word.";
      showMore();
    } catch (err) {
      if (mine === generation) status.textContent = `Search failed: ${err.message}`;
    }
  }

  /** Shows the next page of results; resolves with the first new result's link. */
  function showMore() {
    const { found } = shown;
    const next = found.ids.slice(shown.count, shown.count + PAGE);
    shown.count += next.length;
    const filled = next.map(([id]) => {
      const item = document.createElement("li");
      item.className = "result";
      list.append(item);
      return index
        .record(id)
        .then((r) => fill(item, r, found.forms, root, pageIndex))
        .catch((err) => (item.textContent = `(result unavailable: ${err.message})`))
        .then(() => item.querySelector("a"));
    });
    more.hidden = shown.count >= found.ids.length;
    return filled.length ? filled[0] : Promise.resolve(null);
  }

  /** The result links in order. */
  const links = () => [...list.querySelectorAll(".result > a.result-title")];
  function activate(link) {
    for (const item of list.querySelectorAll(".result.is-active")) item.classList.remove("is-active");
    if (!link) return;
    link.parentElement.classList.add("is-active");
    link.focus();
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(true), 120);
  });
  for (const select of filters) select.addEventListener("change", () => run());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", async () => {
    // Focus moves to the first new result, not back to the top of the page.
    activate(await showMore());
  });
  // Arrow keys move from the box through the results; Enter opens one; Escape goes back.
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && links().length) {
      event.preventDefault();
      activate(links()[0]);
    }
  });
  list.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at >= 0 && at + 1 < all.length) activate(all[at + 1]);
    else if (event.key === "ArrowUp" && at > 0) activate(all[at - 1]);
    else if ((event.key === "ArrowUp" && at === 0) || event.key === "Escape") {
      activate(null);
      input.focus();
    } else return;
    event.preventDefault();
  });
  list.addEventListener("focusin", (event) => {
    if (event.target.matches("a.result-title")) activate(event.target);
  });
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

  /** The stem entry of a word form, or null when no postmortem has the word. A form the
   * postmortems use is looked up; any other form is stemmed here, as `pmkb search` does. */
  async stem(form) {
    const m = await this.manifest;
    const words = await this.file(`w/${shard(form, m.words)}.bin`, (r) =>
      r.entries(() => [r.string(), r.string()]),
    );
    const known = words.get(form) ?? stem(form);
    return this.stemEntry(known);
  }

  /** A stem's forms and postings, or null. */
  async stemEntry(stem) {
    const m = await this.manifest;
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

  /** Ids matching every word with their scores, best first, and the forms to highlight.
   *  With `prefix`, the last word also matches the words it begins. */
  async search(query, chosen, prefix = false) {
    const words = tokens(query)
      .filter(({ from, to }) => query.slice(from, to) !== "AND")
      .map(({ form }) => form);
    const entries = await Promise.all(
      words.map((w, i) => (prefix && i === words.length - 1 ? this.startingWith(w) : this.stem(w))),
    );
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
    const keep = await this.filters(chosen);
    const ids = [...scores].filter(([id]) => keep.every((set) => set.has(id)));
    ids.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { ids, forms };
  }

  /** The postmortems the filters select, newest first (ids count from the newest). */
  async browse(chosen) {
    const keep = await this.filters(chosen);
    const { docs } = await this.manifest;
    const ids = [];
    for (let id = 0; id < docs; id++) if (keep.every((set) => set.has(id))) ids.push([id, 0]);
    return { ids, forms: new Set() };
  }

  /** One `has(id)` test per chosen filter: root cause, measure, year. */
  async filters([rootCause, measure, year]) {
    const keep = [];
    if (rootCause) keep.push(await this.facet("root-causes", rootCause));
    if (measure) keep.push(await this.facet("measures", measure));
    if (year) {
      const range = (await this.manifest).years.find(([y]) => String(y) === year);
      const [, first, end] = range || [0, 0, 0];
      keep.push({ has: (id) => id >= first && id < end });
    }
    return keep;
  }

  /** The words of the index that begin with `start` (at most PREFIX_STEMS stems, the
   *  shortest words first), as one entry: their forms, and per id the best score of any.
   *  Null when none does. */
  async startingWith(start) {
    const m = await this.manifest;
    const exact = await this.stem(start);
    if (!m.prefixes || Array.from(start).length < PREFIX_CHARS) return exact;
    const key = Array.from(start).slice(0, PREFIX_CHARS).join("");
    const keyed = await this.file(`p/${shard(key, m.prefixes)}.bin`, (r) =>
      r.entries(() => [r.string(), r.list(() => [r.string(), r.string()])]),
    );
    const stems = [];
    for (const [form, stem] of keyed.get(key) || []) {
      if (form.startsWith(start) && !stems.includes(stem)) stems.push(stem);
      if (stems.length === PREFIX_STEMS) break;
    }
    const entries = (await Promise.all(stems.map((stem) => this.stemEntry(stem)))).filter(Boolean);
    if (exact) entries.unshift(exact);
    if (!entries.length) return null;
    const postings = new Map();
    for (const entry of entries) {
      for (const [id, score] of entry.postings) postings.set(id, Math.max(score, postings.get(id) || 0));
    }
    return { forms: entries.flatMap((e) => e.forms), postings };
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
function fill(item, record, forms, root, pageIndex) {
  item.dataset.slug = record.slug;
  const link = document.createElement("a");
  link.className = "result-title";
  link.href = `${root}postmortems/${encodeURIComponent(record.slug)}/${pageIndex}`;
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
  highlight(snippet, passage(bodyOnly(record), forms), forms);
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
      chip.href = `${root}${kind}/${encodeURIComponent(slug)}/${pageIndex}`;
      chip.textContent = name;
      const li = document.createElement("li");
      li.append(chip);
      chips.append(li);
    }
  }
  if (chips.childElementCount) item.append(chips);
}

/** A record's text without what the result already shows: the leading lines that repeat
 *  the title, and the short "Label: value" lines (date, severity, duration) after it. */
function bodyOnly(record) {
  const lines = record.text.split("\n");
  const title = record.title.trim().toLowerCase();
  let at = 0;
  while (at < lines.length) {
    const line = lines[at].trim();
    const meta = /^[^:]{1,30}:\s*\S/.test(line) && line.length <= 80;
    if (line && line.toLowerCase() !== title && !meta) break;
    at++;
  }
  return at < lines.length ? lines.slice(at).join("\n") : record.text;
}

/** The stretch of `text` (up to SNIPPET_CHARS) holding the most matched words. */
function passage(text, forms) {
  const hits = tokens(text)
    .filter(({ form }) => forms.has(form))
    .map(({ from }) => from);
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

/** Puts `text` into `element`, with the words whose form matched in <mark> (overlapping
 * CJK pairs marked as one stretch). */
function highlight(element, text, forms) {
  const stretches = [];
  for (const { form, from, to } of tokens(text)) {
    if (!forms.has(form)) continue;
    const last = stretches[stretches.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else stretches.push([from, to]);
  }
  let at = 0;
  for (const [from, to] of stretches) {
    element.append(text.slice(at, from));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(from, to);
    element.append(mark);
    at = to;
  }
  element.append(text.slice(at));
}

// ---- Text analysis: the steps of src/search/analysis.rs, line for line, so the page finds
// and ranks what `pmkb search` does. Change one, change both.

const MAX_WORD_BYTES = 40; // tokens of 40 bytes or more are dropped
/** Han, kana and Hangul: written without spaces, cut into character pairs. */
const CJK = [
  [0x1100, 0x11ff], [0x2e80, 0x2fdf], [0x3040, 0x30ff], [0x3130, 0x318f],
  [0x31f0, 0x31ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xac00, 0xd7af],
  [0xf900, 0xfaff], [0xff66, 0xff9f], [0x20000, 0x2ffff],
];
const WORD_CHAR = /^[\p{Alphabetic}\p{N}\p{M}]$/u; // char::is_alphanumeric or a combining mark
const MARKS = /\p{M}/gu;

function isCjk(c) {
  const code = c.codePointAt(0);
  return CJK.some(([from, to]) => code >= from && code <= to);
}

const isWordChar = (c) => WORD_CHAR.test(c);
const isApostrophe = (c) => c === "'" || c === "\u2019" || c === "\u02bc";

/** A character folded: NFKD, combining marks dropped, lower case char by char. */
function fold(c) {
  return Array.from(c.normalize("NFKD").replace(MARKS, ""), (d) => d.toLowerCase()).join("");
}

/** The words of a text, folded and unstemmed, with their UTF-16 spans: {form, from, to}. */
function tokens(text) {
  const chars = [];
  let at = 0;
  for (const c of text) {
    chars.push([c, at]);
    at += c.length;
  }
  const end = (i) => (i < chars.length ? chars[i][1] : text.length);
  const out = [];
  const push = (from, to, form) => {
    if (form && encoder.encode(form).length < MAX_WORD_BYTES) out.push({ form, from, to });
  };
  let i = 0;
  while (i < chars.length) {
    const c = chars[i][0];
    if (isCjk(c)) {
      const start = i;
      while (i < chars.length && isCjk(chars[i][0])) i++;
      if (i - start === 1) push(chars[start][1], end(i), c);
      for (let pair = start; pair + 1 < i; pair++) {
        push(chars[pair][1], end(pair + 2), chars[pair][0] + chars[pair + 1][0]);
      }
    } else if (isWordChar(c)) {
      const start = i;
      let form = "";
      for (; i < chars.length; i++) {
        const d = chars[i][0];
        const next = i + 1 < chars.length ? chars[i + 1][0] : "";
        if (isApostrophe(d) && next && isWordChar(next) && !isCjk(next)) form += "'";
        else if (isWordChar(d) && !isCjk(d)) form += fold(d);
        else break;
      }
      push(chars[start][1], end(i), form);
    } else {
      i++;
    }
  }
  return out;
}

// The Snowball English stemmer (Porter2 as of Snowball 3), as tantivy's
// `Stemmer::new(Language::English)` runs it (snowballstem.org/algorithms/english/).
const EXCEPTIONS = {
  skis: "ski", skies: "sky", idly: "idl", gently: "gentl", ugly: "ugli", early: "earli",
  only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe", atlas: "atlas",
  cosmos: "cosmos", bias: "bias", andes: "andes",
};
const PREFIXES = /^(?:arsen|commun|emerg|gener|inter|later|organ|past|univers)/;
const STEP2 = {
  tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize",
  ization: "ize", ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al",
  alli: "al", fulness: "ful", ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive",
  biliti: "ble", bli: "ble", ogist: "og", ogi: "og", fulli: "ful", lessli: "less", li: "",
};
const STEP3 = {
  tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "",
  ness: "", ative: "",
};
const STEP4 = [
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism",
  "ate", "iti", "ous", "ive", "ize", "ion",
];
const DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];

const isVowel = (c) => c !== undefined && "aeiouy".includes(c);

/** The longest of `suffixes` that `word` ends with, or "". */
function longest(word, suffixes) {
  return suffixes.reduce((best, s) => (s.length > best.length && word.endsWith(s) ? s : best), "");
}

/** Where the region after the first non-vowel following a vowel starts, from `from`. */
function regionAfter(word, from) {
  for (let i = from + 1; i < word.length; i++) {
    if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
  }
  return word.length;
}

/** A short syllable ends `word`: non-vowel, vowel, non-vowel other than w, x, Y; a vowel
 * and a non-vowel that are the whole word; or `past`. */
function endsShort(word) {
  const n = word.length;
  const [a, b, c] = [word[n - 3], word[n - 2], word[n - 1]];
  if (n >= 3 && !isVowel(a) && isVowel(b) && !isVowel(c) && !"wxY".includes(c)) return true;
  return (n === 2 && isVowel(b) && !isVowel(c)) || word.endsWith("past");
}

function stem(input) {
  if (Object.hasOwn(EXCEPTIONS, input)) return EXCEPTIONS[input];
  if (input.length < 3) return input;
  let word = input.startsWith("'") ? input.slice(1) : input;
  word = word.replace(/^y/, "Y").replace(/([aeiouy])y/g, "$1Y");
  const prefix = word.match(PREFIXES);
  const p1 = prefix ? prefix[0].length : regionAfter(word, 0);
  const p2 = regionAfter(word, p1);
  const cut = (suffix) => word.slice(0, word.length - suffix.length);
  // Step 0: apostrophes.
  word = cut(longest(word, ["'", "'s'", "'s"]));
  // Step 1a: plurals.
  const s1a = longest(word, ["sses", "ied", "ies", "s", "us", "ss"]);
  if (s1a === "sses") word = cut(s1a) + "ss";
  else if (s1a === "ied" || s1a === "ies") word = cut(s1a) + (cut(s1a).length > 1 ? "i" : "ie");
  else if (s1a === "s" && /[aeiouy]/.test(cut(s1a).slice(0, -1))) word = cut(s1a);
  // Step 1b: -ed, -ing.
  const s1b = longest(word, ["ed", "eed", "ing", "edly", "eedly", "ingly"]);
  const rest = cut(s1b);
  if (s1b === "eed" || s1b === "eedly") {
    if (rest.length >= p1 && !["succ", "proc", "exc"].includes(rest)) word = rest + "ee";
  } else if (s1b === "ing" && /^[^aeiouy]y$/.test(rest)) {
    word = rest[0] + "ie";
  } else if (s1b === "ing" && ["even", "cann", "inn", "earr", "herr", "out"].includes(rest)) {
    // kept whole
  } else if (s1b && /[aeiouy]/.test(rest)) {
    word = rest;
    const double = longest(word, DOUBLES);
    if (/(?:at|bl|iz)$/.test(word)) word += "e";
    else if (double) {
      if (!(word.length === 3 && "aeo".includes(word[0]))) word = word.slice(0, -1);
    } else if (word.length === p1 && endsShort(word)) word += "e";
  }
  // Step 1c: y after a consonant that is not the first letter.
  if (/[yY]$/.test(word) && word.length > 2 && !isVowel(word[word.length - 2])) {
    word = word.slice(0, -1) + "i";
  }
  // Step 2.
  const s2 = longest(word, Object.keys(STEP2));
  if (s2 && word.length - s2.length >= p1) {
    const before = cut(s2).slice(-1);
    if (s2 === "ogi") {
      if (before === "l") word = cut(s2) + "og";
    } else if (s2 === "li") {
      if (before && "cdeghkmnrt".includes(before)) word = cut(s2);
    } else {
      word = cut(s2) + STEP2[s2];
    }
  }
  // Step 3.
  const s3 = longest(word, Object.keys(STEP3));
  if (s3 && word.length - s3.length >= p1 && (s3 !== "ative" || word.length - s3.length >= p2)) {
    word = cut(s3) + STEP3[s3];
  }
  // Step 4.
  const s4 = longest(word, STEP4);
  if (s4 && word.length - s4.length >= p2) {
    const before = cut(s4).slice(-1);
    if (s4 !== "ion" || before === "s" || before === "t") word = cut(s4);
  }
  // Step 5.
  const at = word.length - 1;
  if (word.endsWith("e") && (at >= p2 || (at >= p1 && !endsShort(cut("e"))))) word = cut("e");
  else if (word.endsWith("ll") && at >= p2) word = cut("l");
  return word.replace(/Y/g, "y");
}

const form = document.getElementById("search-form");
if (form) start(form);
