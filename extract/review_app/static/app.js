// extract review: keyboard-first queue of values below the review threshold.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { items: [], index: 0, pageOpen: false, csrf: "", me: null, fourEyes: false, seq: 0, itemSeq: 0,
  docs: {}, undo: [], lang: localStorage.getItem("review-lang") || "zh", progress: null };
const t = (key, ...args) => { const w = WORDS[state.lang][key]; return typeof w === "function" ? w(...args) : w; };

async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRF-Token": state.csrf } };
  const res = await fetch(path, options);
  const out = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(out.error || `HTTP ${res.status}`), { status: res.status, body: out });
  return out;
}

function say(text, kind) { const m = $("message"); m.textContent = text; m.className = kind || ""; }

function problem(err) {  // the server's words, or ours for the answers a reviewer meets every day
  const b = err.body || {};
  if (b.claimed_by) return t("claimed_by", b.claimed_by);
  if (err.status === 409 && b.item) return t("changed");
  if (err.status === 401) return t("relogin");
  if (err.status === 403 && /CSRF/.test(err.message)) return t("relogin");
  return err.message;
}

function applyWords() {
  document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const b of document.querySelectorAll(".lang-switch")) b.textContent = t("lang");
  $("keys").innerHTML = t("keys");
  for (const o of $("filter-doc").options) if (o.value) o.textContent = state.docs[o.value];
  for (const sel of ["filter-form", "filter-name"]) for (const o of $(sel).options) if (o.dataset.zh) o.textContent = o.dataset[state.lang];
}

function label(it) { return it.label[state.lang] || it.key; }
function docName(it) { return state.docs[it.doc_id] || it.path; }
function shown(it, v) { return v === null || v === undefined ? t("emptyValue") : String(v); }

async function start() {
  applyWords();
  try { const me = await api("/api/me"); return enter(me); } catch (err) { if (err.status !== 401) say(err.message, "error"); }
  $("login").hidden = false; $("app").hidden = true; $("login-name").focus();
}

async function enter(me) {
  state.me = me.name; state.csrf = me.csrf; state.fourEyes = me.four_eyes;
  $("login").hidden = true; $("app").hidden = false; $("who").textContent = me.name;
  const [docs, forms, names] = await Promise.all([api("/api/documents"), api("/api/forms"), api("/api/fields")]);
  for (const sel of ["filter-doc", "filter-form", "filter-name"]) while ($(sel).options.length > 1) $(sel).remove(1);
  for (const d of docs) { state.docs[d.id] = d.name; $("filter-doc").add(Object.assign(new Option(d.name, d.id), { title: d.path })); }
  for (const f of forms) { const o = new Option(f.label[state.lang], f.form); o.dataset.zh = f.label.zh; o.dataset.en = f.label.en; $("filter-form").add(o); }
  for (const n of names) { const o = new Option(n.label[state.lang], n.name); o.dataset.zh = n.label.zh; o.dataset.en = n.label.en; o.title = n.name; $("filter-name").add(o); }
  applyWords();
  await loadQueue(0);
}

function filters() {
  const q = new URLSearchParams();
  for (const k of ["doc", "path", "form", "name", "reason", "mode"]) { const v = $(`filter-${k}`).value; if (v) q.set(k, v); }
  return q.toString();
}

async function loadQueue(keepIndex) {
  const seq = ++state.seq;  // a slower answer to an older filter never replaces a newer one
  const want = filters();
  const data = await api("/api/queue?" + want);
  if (seq !== state.seq) return;
  state.items = data.items; state.progress = data.progress;
  $("queue").dataset.filter = want;
  $("progress").textContent = t("progress", data.progress);
  $("progress").dataset.pending = data.progress.pending;
  $("bulk").textContent = t("bulk", state.items.length);
  $("bulk").disabled = !state.items.length || $("filter-mode").value !== "todo";
  $("queue").replaceChildren(...state.items.map((it, i) => {
    const li = document.createElement("li");
    li.dataset.id = it.id; li.dataset.key = it.key;
    li.classList.toggle("flagged", !!it.flag);
    li.classList.toggle("claimed", !!it.claimed_by && it.claimed_by !== state.me);
    for (const [cls, text] of [["num", `${i + 1}.`], ["conf", (it.confidence ?? 0).toFixed(2)], ["label", label(it)],
      ["doc", docName(it)]]) li.append(Object.assign(document.createElement("span"), { className: cls, textContent: text }));
    li.title = `${it.key} · ${it.path}`;
    li.addEventListener("click", () => show(i));
    return li;
  }));
  show(Math.min(keepIndex ?? 0, Math.max(state.items.length - 1, 0)));
}

function editor(it) {
  const long = it.kind === "cell" ? String(it.value ?? "").length > 30 : !it.unit && (String(it.value ?? "").length > 30
    || /content|overall_goals|expected_outcome|explanation/.test(it.key));
  $("value").hidden = long; $("value-long").hidden = !long;
  return long ? $("value-long") : $("value");
}

function show(i) {
  state.index = i;
  const it = state.items[i];
  $("empty").hidden = !!it; $("detail").hidden = !it;
  for (const li of $("queue").children) li.classList.toggle("current", li.dataset.id === it?.id);
  if (!it) { $("page-view").hidden = true; return; }
  $("queue").children[i]?.scrollIntoView({ block: "nearest" });
  $("item-label").textContent = label(it);
  $("item-key").textContent = it.key;
  $("item-doc").textContent = `${docName(it)} · ${t("page", it.page)}`;
  $("crop").src = `/api/crop/${it.id}.png?v=${it.version}`;
  $("crop").alt = label(it);
  const printed = it.unit ? it.value_printed : it.value;
  $("item-value").textContent = shown(it, printed) + (it.unit && it.value !== null ? ` ${it.unit}` : "");
  $("item-raw").textContent = it.raw ?? "";
  $("item-confidence").textContent = (it.confidence ?? 0).toFixed(2);
  $("item-reasons").replaceChildren(...it.reasons.map((r) => Object.assign(document.createElement("li"), { textContent: reasonText(r, state.lang) })));
  const status = [it.flag && t("flagged_by", it.flag.reviewer) + (it.flag.note ? `：${it.flag.note}` : ""),
    it.claimed_by && it.claimed_by !== state.me && t("claimed_by", it.claimed_by),
    it.corrected_by && t("corrected_by", it.corrected_by)].filter(Boolean);
  $("item-status").textContent = status.join("；");
  $("unit").textContent = it.unit || "";
  const box = editor(it);
  box.value = printed === null || printed === undefined ? "" : String(printed);
  box.dataset.original = box.value;
  const mode = $("filter-mode").value;
  $("accept").textContent = t("accept");
  $("accept").hidden = mode === "done" || mode === "check";
  $("reopen").hidden = mode !== "done";
  $("verify-ok").hidden = $("verify-no").hidden = mode !== "check";
  $("flag").textContent = it.flag ? t("unflag") : t("flag");
  $("hint").textContent = it.unit ? t("hint_money", it.unit) : box === $("value-long") ? t("hint_text") : t("hint");
  $("detail").dataset.id = it.id;
  box.focus(); box.select();
  loadDetail(it);
  if (state.pageOpen) showPage(it);
}

async function loadDetail(it) {
  const seq = ++state.itemSeq;
  // a decision waits for this claim (act), so the two reach the server in order
  state.claiming = $("filter-mode").value !== "todo" ? null
    : api("/api/claim", { item: it.id }).catch((err) => { if (seq === state.itemSeq) say(problem(err), "error"); });
  const full = await api(`/api/item/${it.id}`).catch(() => null);
  if (!full || seq !== state.itemSeq) return;
  $("history").tBodies[0].replaceChildren(...full.decisions.map((d) => {
    const tr = document.createElement("tr");
    const money = (v) => (it.unit && v !== null && /^-?\d+(\.\d+)?$/.test(String(v)) ? `${formatUnit(v, it.unit)} ${it.unit}` : shown(it, v));
    for (const text of [new Date(d.decided_at * 1000).toLocaleString(state.lang === "en" ? "en-GB" : "zh-CN"), d.reviewer,
      (WORDS[state.lang].actions[d.action] || d.action), `${money(d.value_before)} → ${money(d.value_after)}`])
      tr.append(Object.assign(document.createElement("td"), { textContent: text }));
    tr.dataset.action = d.action;
    return tr;
  }));
}

function formatUnit(yuan, unit) {
  const scale = unit === "万元" ? 10000 : 1;
  const [int, frac = ""] = String(yuan).replace("-", "").split(".");
  // exact decimal shift of a yuan string into 万元 (no binary floating point)
  const digits = int.padStart(5, "0") + frac;
  const cut = scale === 10000 ? digits.length - frac.length - 4 : digits.length - frac.length;
  let whole = digits.slice(0, cut).replace(/^0+(?=\d)/, ""), rest = digits.slice(cut).replace(/0+$/, "");
  if (rest.length < 2) rest = rest.padEnd(2, "0");
  return (String(yuan).startsWith("-") ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + rest;
}

async function showPage(it) {
  $("page-view").hidden = false;
  if (!it.page) return;
  const info = await api(`/api/page/${it.doc_id}/${it.page}`);
  const img = $("page-img");
  img.src = `/api/page/${it.doc_id}/${it.page}.png`;
  await img.decode().catch(() => {});
  const sx = img.clientWidth / info.width, sy = img.clientHeight / info.height;
  $("page-cells").replaceChildren(...info.cells.map((c) => {
    const d = document.createElement("div");
    const conf = c.confidence ?? 0;
    d.className = conf >= info.threshold ? "high" : conf >= info.threshold / 2 ? "mid" : "low";
    if (it.table === c.table && it.cells.some(([r, k]) => r === c.row && k === c.col)) d.classList.add("current");
    Object.assign(d.style, { left: `${c.bbox[0] * sx}px`, top: `${c.bbox[1] * sy}px`,
      width: `${(c.bbox[2] - c.bbox[0]) * sx}px`, height: `${(c.bbox[3] - c.bbox[1]) * sy}px` });
    d.title = `${c.text} (${conf.toFixed(2)})`;
    d.dataset.confidence = conf;
    return d;
  }));
}

function report(out, it, word) {
  const flips = (out.checks_flipped || []).map((c) => t("check_now", ruleText(c.rule, state.lang), c.passed));
  const moved = out.neighbours && out.neighbours.length ? [t("rescored", out.neighbours.length)] : [];
  say([t(word, label(it)), ...flips, ...moved].join(" — "), "ok");
}

async function act(path, body, it, word, keep) {
  try {
    if (state.claiming) await state.claiming;
    const out = await api(path, body);
    if (word === "accepted" || word === "corrected") state.undo.push(it.id);
    await loadQueue(keep ?? state.index);
    report(out, it, word);
  } catch (err) {
    say(problem(err), "error");
    if (err.status === 409) await loadQueue(state.index);
  }
}

async function decide() {
  const it = state.items[state.index];
  if (!it || $("filter-mode").value !== "todo") return;
  const box = it && !$("value-long").hidden ? $("value-long") : $("value");
  const typed = box.value;
  if (typed === box.dataset.original) return act("/api/decisions", { item: it.id, action: "accept", version: it.version }, it, "accepted");
  const value = it.unit && typed.trim() && !/元$/.test(typed.trim()) ? `${typed.trim()}${it.unit}` : typed;
  return act("/api/decisions", { item: it.id, action: "correct", value, version: it.version }, it, "corrected");
}

async function undoLast() {
  const id = state.undo.pop();
  if (!id) return say(t("nothing_to_undo"), "error");
  try {
    const item = await api(`/api/item/${id}`);
    const out = await api("/api/undo", { item: id, version: item.version });
    $("filter-mode").value = "todo";
    await loadQueue(0);
    const i = state.items.findIndex((x) => x.id === id);
    if (i >= 0) show(i);
    report(out, item, "undone");
  } catch (err) { say(err.message, "error"); }
}

function current() { return state.items[state.index]; }

async function bulkAccept() {
  const n = state.items.length;
  if (!n) return;
  const what = [...document.querySelectorAll("header select")].filter((s) => s.value && s.id !== "filter-mode")
    .map((s) => s.selectedOptions[0].textContent).concat($("filter-path").value ? [$("filter-path").value] : []).join(" · ") || t("all");
  $("bulk-text").textContent = t("bulk_confirm", n, what);
  $("bulk-dialog").dataset.filter = filters();
  $("bulk-dialog").showModal();
  $("bulk-yes").focus();
}

async function bulkConfirmed() {
  $("bulk-dialog").close();
  const items = state.items.map((it) => ({ item: it.id, version: it.version }));
  try {
    const out = await api("/api/bulk", { items });
    state.undo.push(...out.accepted);
    await loadQueue(0);
    say(t("bulk_done", out.accepted.length, out.skipped.length), "ok");
  } catch (err) { say(err.message, "error"); }
}

document.addEventListener("keydown", (e) => {
  if ($("app").hidden || $("bulk-dialog").open) return;
  if (e.key === "Tab" && !e.ctrlKey) { e.preventDefault(); if (state.items.length) show((state.index + (e.shiftKey ? -1 : 1) + state.items.length) % state.items.length); }
  else if (e.key === "Escape") { for (const b of [$("value"), $("value-long")]) b.value = b.dataset.original || ""; }
  else if (e.altKey && e.code === "KeyP") {
    e.preventDefault();
    state.pageOpen = !state.pageOpen;
    $("page-view").hidden = !state.pageOpen;
    if (state.pageOpen && current()) showPage(current());
  } else if (e.altKey && e.code === "KeyF") { e.preventDefault(); $("flag").click(); }
  else if (e.altKey && e.code === "KeyZ") { e.preventDefault(); undoLast(); }
});
$("value-long").addEventListener("keydown", (e) => { if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); decide(); } });
$("decide").addEventListener("submit", (e) => { e.preventDefault(); decide(); });
$("flag").addEventListener("click", () => { const it = current(); if (it) act("/api/flag", { item: it.id, on: !it.flag }, it, it.flag ? "unflagged" : "flagged", state.index); });
$("undo").addEventListener("click", undoLast);
$("reopen").addEventListener("click", () => { const it = current(); if (it) act("/api/reopen", { item: it.id, version: it.version }, it, "reopened"); });
$("verify-ok").addEventListener("click", () => { const it = current(); if (it) act("/api/verify", { item: it.id, version: it.version, agree: true }, it, "verified"); });
$("verify-no").addEventListener("click", () => { const it = current(); if (it) act("/api/verify", { item: it.id, version: it.version, agree: false }, it, "undone"); });
$("bulk").addEventListener("click", bulkAccept);
$("bulk-yes").addEventListener("click", bulkConfirmed);
$("bulk-no").addEventListener("click", () => $("bulk-dialog").close());
for (const k of ["doc", "form", "name", "reason", "mode"]) $(`filter-${k}`).addEventListener("change", () => loadQueue(0).catch((err) => say(err.message, "error")));
$("filter-path").addEventListener("input", () => loadQueue(0).catch((err) => say(err.message, "error")));
for (const b of document.querySelectorAll(".lang-switch")) b.addEventListener("click", () => {
  state.lang = state.lang === "en" ? "zh" : "en"; localStorage.setItem("review-lang", state.lang); applyWords();
  if (!$("app").hidden) { loadQueue(state.index); }
});
$("logout").addEventListener("click", async () => { await api("/api/logout", {}).catch(() => {}); location.reload(); });
$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const res = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: $("login-name").value, password: $("login-password").value }) });
    const out = await res.json();
    if (!res.ok) { $("login-error").textContent = res.status === 401 ? t("bad_login") : out.error; return; }
    $("login-error").textContent = "";
    await enter(out);
  } catch (err) { $("login-error").textContent = err.message; }
});
start();
