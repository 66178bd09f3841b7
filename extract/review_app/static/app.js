// extract review: keyboard-first queue of values below the review threshold.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { items: [], index: 0, threshold: 0.85, pageOpen: false };

async function api(path, options) {
  const res = await fetch(path, options);
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(body.error || `HTTP ${res.status}`), { status: res.status, body });
  return body;
}

function say(text, kind) {
  const m = $("message");
  m.textContent = text;
  m.className = kind || "";
}

function filters() {
  const q = new URLSearchParams();
  if ($("filter-doc").value) q.set("doc", $("filter-doc").value);
  if ($("filter-name").value) q.set("name", $("filter-name").value);
  return q.toString();
}

async function loadFilters() {
  const [docs, names] = await Promise.all([api("/api/documents"), api("/api/fields")]);
  for (const d of docs) $("filter-doc").add(new Option(d.path.split("/").pop(), d.id));
  for (const n of names) $("filter-name").add(new Option(n, n));
}

async function loadQueue(keepIndex) {
  const data = await api("/api/queue?" + filters());
  state.items = data.items;
  state.threshold = data.progress.threshold;
  const p = data.progress;
  $("progress").textContent = `${p.reviewed} reviewed, ${p.pending} to go (of ${p.total}) · threshold ${p.threshold}`;
  $("progress").dataset.pending = p.pending;
  $("queue").replaceChildren(...state.items.map((it, i) => {
    const li = document.createElement("li");
    li.dataset.id = it.id;
    li.innerHTML = `<span class="conf"></span> <span class="key"></span>`;
    li.querySelector(".conf").textContent = (it.confidence ?? 0).toFixed(2);
    li.querySelector(".key").textContent = `${it.key} · ${it.path.split("/").pop()}`;
    li.addEventListener("click", () => show(i));
    return li;
  }));
  show(Math.min(keepIndex ?? 0, Math.max(state.items.length - 1, 0)));
}

function show(i) {
  state.index = i;
  const it = state.items[i];
  $("empty").hidden = !!it;
  $("detail").hidden = !it;
  for (const li of $("queue").children) li.classList.toggle("current", li.dataset.id === it?.id);
  if (!it) { $("page-view").hidden = true; return; }
  $("item-key").textContent = it.key;
  $("item-doc").textContent = `${it.path.split("/").pop()} · page ${it.page ?? "?"}`;
  $("crop").src = `/api/crop/${it.id}.png`;
  $("item-value").textContent = it.value === null ? "(empty)" : String(it.value);
  $("item-raw").textContent = it.raw ?? "";
  $("item-confidence").textContent = (it.confidence ?? 0).toFixed(2);
  $("item-reasons").replaceChildren(...it.reasons.map((r) => Object.assign(document.createElement("li"), { textContent: r })));
  const money = it.kind === "field" && (it.name.startsWith("budget.") || it.name.endsWith(".amount"));
  $("hint").textContent = money ? "Amounts are in 元 (yuan); type 4,393.85万元 to enter 万元. " : "";
  $("value").value = it.value === null ? "" : String(it.value);
  $("value").dataset.original = $("value").value;
  $("detail").dataset.id = it.id;
  $("value").focus();
  $("value").select();
  if (state.pageOpen) showPage(it);
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
    const mine = it.table === c.table && it.cells.some(([r, k]) => r === c.row && k === c.col);
    if (mine) d.classList.add("current");
    Object.assign(d.style, { left: `${c.bbox[0] * sx}px`, top: `${c.bbox[1] * sy}px`,
      width: `${(c.bbox[2] - c.bbox[0]) * sx}px`, height: `${(c.bbox[3] - c.bbox[1]) * sy}px` });
    d.title = `${c.text} (${conf.toFixed(2)})`;
    d.dataset.confidence = conf;
    return d;
  }));
}

async function decide() {
  const it = state.items[state.index];
  if (!it) return;
  const typed = $("value").value;
  const action = typed === $("value").dataset.original ? "accept" : "correct";
  try {
    const out = await api("/api/decisions", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ item: it.id, action, value: typed, version: it.version }) });
    const flips = out.checks_flipped.map((c) => `check ${c.rule} now ${c.passed ? "passes" : "fails"}`);
    const moved = out.neighbours.length ? `; ${out.neighbours.length} related values re-scored` : "";
    await loadQueue(state.index);
    say(`${action === "accept" ? "Accepted" : "Corrected"} ${it.key}` + (flips.length ? ` — ${flips.join(", ")}` : "") + moved, "ok");
  } catch (err) {
    say(err.message, "error");
    if (err.status === 409) await loadQueue(state.index);
  }
}

function move(step) {
  if (!state.items.length) return;
  show((state.index + step + state.items.length) % state.items.length);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Tab") { e.preventDefault(); move(e.shiftKey ? -1 : 1); }
  else if (e.key === "Escape") { $("value").value = $("value").dataset.original || ""; }
  else if (e.altKey && (e.key === "p" || e.key === "P")) {
    e.preventDefault();
    state.pageOpen = !state.pageOpen;
    $("page-view").hidden = !state.pageOpen;
    if (state.pageOpen && state.items[state.index]) showPage(state.items[state.index]);
  }
});
$("decide").addEventListener("submit", (e) => { e.preventDefault(); decide(); });
$("filter-doc").addEventListener("change", () => loadQueue(0));
$("filter-name").addEventListener("change", () => loadQueue(0));
loadFilters().then(() => loadQueue(0)).catch((err) => say(err.message, "error"));
