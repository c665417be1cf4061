// GenderML dashboard: one page per hash route, each drawn from the server's JSON (/dashboard/*, /api/*).
// No framework and nothing fetched from elsewhere: the app works offline.
"use strict";

const page = document.getElementById("page");
const pct = (x) => (x * 100).toFixed(2) + "%";
const num = (x, d = 4) => (x === null || x === undefined || Number.isNaN(x)) ? "—" : Number(x).toFixed(d);
let pollTimer = null;
let lastPredictions = [];

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function getJson(url) {
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw new Error(url + ": " + response.status + " " + (await problemText(response)));
  return response.json();
}

async function problemText(response) {
  try { const p = await response.json(); return p.detail || p.title || ""; } catch { return ""; }
}

function authHeaders() {
  const key = sessionStorage.getItem("genderml-api-key");
  return key ? { "X-Api-Key": key } : {};
}

function pending(state, step, error, what) {
  if (state === "none") return `<div class="card muted">No dataset: start the server with <code>--data DIR</code> to see the ${what}.</div>`;
  if (state === "failed") return `<div class="card error">The study failed: ${esc(error || "")}</div>`;
  return `<div class="card muted" id="pending">Computing the ${what}${step ? " (" + esc(step) + ")" : ""}… this page refreshes by itself.</div>`;
}

function pollUntilReady(state, render) {
  if (state === "computing" || state === "idle") pollTimer = setTimeout(render, 1500);
}

const pages = {
  async summary() {
    const s = await getJson("/dashboard/summary");
    const rows = s.models.map((m) => `<tr><td>${esc(m.name)}${m.name === s.defaultModel ? ' <span class="pill">default</span>' : ""}</td>
      <td>${esc(m.kind)}</td><td><code>${esc(m.version)}</code></td>
      <td class="num">${m.testAccuracy !== null ? pct(m.testAccuracy) : "—"}</td></tr>`).join("");
    const card = s.models[0].card;
    page.innerHTML = `<h1>Summary</h1>
      <div class="card"><p><strong>What the models predict:</strong> P(male) for a face image — a guess at how a face
      <em>presents</em> in a photo, learned from labelled photos. The label is the more likely of two, female or male.</p>
      <p><strong>What they do not:</strong> they do not know anyone's gender identity and know only two labels.
      Accuracy differs across ages, ethnicities, make-up and framings.</p>
      <p><strong>Intended use:</strong> ${esc(card.intendedUse)}</p>
      <p><strong>Not for:</strong></p><ul>${card.notIntendedUses.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>
      <p><strong>Limits:</strong></p><ul>${card.limits.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>
      <p class="muted">A face whose P(male) falls inside the model's abstain band is marked "abstained": the model is not sure enough to answer.</p></div>
      <h2>Served models</h2>
      <table><thead><tr><th>model</th><th>kind</th><th>version</th><th class="num">test accuracy (sample)</th></tr></thead><tbody>${rows}</tbody></table>
      <p class="muted">Dataset: ${s.data ? esc(s.data) : "none (start with --data DIR)"}${s.apiKey ? " · the API asks for a key (Predict page)" : ""}</p>`;
  },

  async data() {
    const d = await getJson("/dashboard/data");
    if (!d.study) { page.innerHTML = "<h1>Data study</h1>" + pending(d.state, d.step, d.error, "data study"); pollUntilReady(d.state, render); return; }
    const st = d.study;
    const head = st.classes.map((c) => `<th class="num">${esc(c)}</th>`).join("");
    const rows = st.splits.map((s) => `<tr><td>${esc(s.split)}</td>${s.counts.map((n) => `<td class="num">${n}</td>`).join("")}
      <td class="num">${pct(s.counts[s.counts.length - 1] / Math.max(1, s.counts.reduce((a, b) => a + b, 0)))}</td></tr>`).join("");
    const grid = st.samples.map((x) => `<figure><img src="/dashboard/images/${x.image}" alt="${esc(x.label)} sample"><figcaption class="${esc(x.label)}">${esc(x.label)}</figcaption></figure>`).join("");
    const bad = st.badFiles.length === 0 ? '<p class="muted">None: every file was taken.</p>'
      : `<table><thead><tr><th>file</th><th>reason</th></tr></thead><tbody>${st.badFiles.slice(0, 200).map((b) => `<tr><td>${esc(b.file)}</td><td>${esc(b.reason)}</td></tr>`).join("")}</tbody></table>`;
    page.innerHTML = `<h1>Data study</h1>
      <div class="grid"><div><h2>Label balance</h2><table><thead><tr><th>split</th>${head}<th class="num">share ${esc(st.classes[st.classes.length - 1])}</th></tr></thead><tbody>${rows}</tbody></table></div>
      <div><img class="plot" src="/dashboard/plots/balance.png" alt="images per class and split"></div></div>
      <h2>Sample faces (${esc(st.evaluatedSplit)} split)</h2><div class="faces" id="samples">${grid}</div>
      <h2>Average face per class and their difference</h2>
      <img class="plot" id="average" src="/dashboard/average.png" alt="average faces" style="width:100%;max-width:640px;image-rendering:pixelated">
      <p class="muted">${st.classes.map((c, i) => `mean ${esc(c)} (${st.averageCounts[i]} images)`).join(" · ")} · ${esc(st.classes[st.classes.length - 1])} − ${esc(st.classes[0])}
      (mid-gray: no difference; light: brighter in ${esc(st.classes[st.classes.length - 1])}). Over a seeded sample of ${st.evaluatedImages} ${esc(st.evaluatedSplit)} images, 64×64 gray.</p>
      <h2>Bad files (${st.badFiles.length})</h2>${bad}`;
  },

  async metrics() {
    const m = await getJson("/dashboard/metrics");
    const compare = m.models.map((x) => `<tr><td>${esc(x.name)}</td><td>${esc(x.kind)}</td>
      <td class="num">${x.test ? pct(x.test.accuracy) : "—"}</td><td class="num">${x.test ? num(x.test.rocAuc) : "—"}</td>
      <td class="num">${x.test ? num(x.test.logLoss) : "—"}</td><td class="num">${x.test ? num(x.test.ece) : "—"}</td>
      <td class="num">${x.validation && x.validation.accuracy !== undefined ? pct(x.validation.accuracy) : "—"}</td></tr>`).join("");
    let html = `<h1>Model metrics</h1><h2>Compare</h2>
      <table id="compare"><thead><tr><th>model</th><th>kind</th><th class="num">test accuracy</th><th class="num">ROC AUC</th><th class="num">log loss</th><th class="num">ECE</th><th class="num">validation accuracy (at training)</th></tr></thead><tbody>${compare}</tbody></table>`;
    if (m.state !== "ready") html += pending(m.state, m.step, m.error, "test metrics");
    for (const x of m.models) {
      html += `<h2>${esc(x.name)} <span class="pill">${esc(x.kind)}</span></h2>`;
      if (x.curves) html += `<img class="plot" src="/dashboard/plots/${encodeURIComponent(x.name)}/curves.png" alt="training curves of ${esc(x.name)}">`;
      if (!x.test) continue;
      const t = x.test, c = t.confusion;
      html += `<p class="muted">${t.images} test images (a seeded sample)${t.skipped ? ", " + t.skipped + " skipped" : ""}.</p>
        <div class="grid"><div><table class="confusion"><thead><tr><th></th><th>predicted female</th><th>predicted male</th></tr></thead><tbody>
        <tr><th>female</th><td>TN ${c.trueNegatives}</td><td>FP ${c.falsePositives}</td></tr>
        <tr><th>male</th><td>FN ${c.falseNegatives}</td><td>TP ${c.truePositives}</td></tr></tbody></table>
        <h3>Classification report</h3><table><thead><tr><th></th><th class="num">precision</th><th class="num">recall</th><th class="num">F1</th><th class="num">support</th></tr></thead><tbody>
        ${t.classes.map((r) => `<tr><td>${esc(r.name)}</td><td class="num">${num(r.precision)}</td><td class="num">${num(r.recall)}</td><td class="num">${num(r.f1)}</td><td class="num">${r.support}</td></tr>`).join("")}</tbody></table>
        <p>accuracy ${pct(t.accuracy)} · PR AUC ${num(t.prAuc)} · Brier ${num(t.brier)}</p></div>
        <img class="plot" src="/dashboard/plots/${encodeURIComponent(x.name)}/roc.png" alt="ROC of ${esc(x.name)}">
        <img class="plot" src="/dashboard/plots/${encodeURIComponent(x.name)}/calibration.png" alt="calibration of ${esc(x.name)}"></div>`;
      html += t.groups.length ? t.groups.map((b) => `<h3>Accuracy per ${esc(b.facet)}</h3><table class="groups"><thead><tr><th>group</th><th class="num">images</th><th class="num">accuracy</th><th class="num">95% interval</th></tr></thead><tbody>${b.groups.map((g) => `<tr><td>${esc(g.group)}</td><td class="num">${g.count}</td><td class="num">${pct(g.accuracy)}</td><td class="num">${pct(g.accuracyLow)}–${pct(g.accuracyHigh)}</td></tr>`).join("")}</tbody></table>
          ${b.gap !== null && b.gap !== undefined ? `<p class="muted">Gap between ${esc(b.best)} and ${esc(b.worst)}: ${pct(b.gap)}</p>` : ""}`).join("")
        : '<p class="muted">Accuracy per group: the dataset has no group labels (age, ethnicity), so it is not known here.</p>';
      html += t.errors.length === 0 ? '<h3>Most confident errors</h3><p class="muted">None: every sampled test image is right.</p>' : `<h3>Most confident errors</h3><div class="faces">${t.errors.map((e) => `<figure><img src="/dashboard/images/${e.image}" alt="error"><figcaption>labelled <span class="${e.label}">${e.label}</span><br>P(male) ${num(e.pMale, 3)}</figcaption></figure>`).join("")}</div>`;
    }
    page.innerHTML = html;
    pollUntilReady(m.state, render);
  },

  async predict() {
    const s = await getJson("/dashboard/summary");
    const d = await getJson("/dashboard/data");
    const samples = d.study ? d.study.samples.slice(0, 8) : [];
    page.innerHTML = `<h1>Predict</h1>
      <div class="card">
        <p><label>Photos (JPEG or PNG): <input type="file" id="files" accept="image/jpeg,image/png" multiple></label></p>
        <p><label>Model: <select id="model">${s.models.map((m) => `<option>${esc(m.name)}</option>`).join("")}</select></label>
        <label><input type="checkbox" id="detect" checked> find every face (detectFaces)</label></p>
        ${s.apiKey ? '<p><label>API key: <input type="password" id="key"></label></p>' : ""}
        ${samples.length ? `<p>Or pick a sample face:</p><div class="faces">${samples.map((x) => `<button class="secondary sample" data-image="${x.image}"><img src="/dashboard/images/${x.image}" alt="sample"></button>`).join("")}</div>` : ""}
      </div>
      <p><button id="csv" disabled>Download predictions (CSV)</button></p>
      <div id="status" class="muted"></div><div id="results"></div>`;
    const key = document.getElementById("key");
    if (key) { key.value = sessionStorage.getItem("genderml-api-key") || ""; key.addEventListener("change", () => sessionStorage.setItem("genderml-api-key", key.value)); }
    document.getElementById("files").addEventListener("change", (e) => predictFiles([...e.target.files]));
    for (const b of document.querySelectorAll("button.sample")) {
      b.addEventListener("click", async () => {
        const blob = await (await fetch("/dashboard/images/" + b.dataset.image)).blob();
        predictFiles([new File([blob], "sample-" + b.dataset.image + ".jpg", { type: blob.type })]);
      });
    }
    document.getElementById("csv").addEventListener("click", downloadCsv);
  },

  async hypothesis() {
    const d = await getJson("/dashboard/data");
    const m = await getJson("/dashboard/metrics");
    if (!d.study) { page.innerHTML = "<h1>Hypothesis and validation</h1>" + pending(d.state, d.step, d.error, "study"); pollUntilReady(d.state, render); return; }
    const tested = m.models.filter((x) => x.test);
    const best = tested.sort((a, b) => b.test.accuracy - a.test.accuracy)[0];
    page.innerHTML = `<h1>Hypothesis and validation</h1>
      <div class="card"><p><strong>Hypothesis.</strong> Faces labelled female and male differ on average in ways a model can learn:
      the right-most panel is the difference of the class means (${esc(d.study.classes[1])} − ${esc(d.study.classes[0])}).
      Where it is far from mid-gray, the classes differ: hair length around the face, brow and jaw, and where the face sits
      in the crop. Some of that is the face; some is framing, hair and make-up — cues a model can lean on that say nothing of
      the face itself.</p>
      <img class="plot" id="average" src="/dashboard/average.png" alt="average faces and their difference" style="width:100%;max-width:640px;image-rendering:pixelated"></div>
      <div class="card"><p><strong>Validation.</strong> ${best
        ? `On a seeded sample of ${best.test.images} test images, the best served model (${esc(best.name)}) is right ${pct(best.test.accuracy)} of the time
          (ROC AUC ${num(best.test.rocAuc)}, calibration error ${num(best.test.ece)}). The difference image therefore carries a real signal, but a high
          score on this test split does not show the model reads faces rather than framing: the data is mostly adult Western celebrities in tight
          crops, and accuracy elsewhere (other ages, ethnicities, looser framing) is lower — see docs/BENCHMARKS.md and the per-group accuracy
          where a dataset has groups.`
        : pending(m.state, m.step, m.error, "test metrics")}</p></div>`;
    pollUntilReady(m.state, render);
  },

  async api() {
    const doc = await getJson("/openapi/v1.json");
    const base = location.origin;
    const ops = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) ops.push({ path, method: method.toUpperCase(), op });
    }
    page.innerHTML = `<h1>API</h1><p class="muted">${esc(doc.info.title)} — the OpenAPI document is at <a href="/openapi/v1.json">/openapi/v1.json</a>.
      Errors are RFC 7807 problem details (application/problem+json). With an API key, send it as <code>X-Api-Key</code>.</p>
      ${ops.map((o) => `<div class="card endpoint"><h2><span class="pill">${o.method}</span> <code>${esc(o.path)}</code></h2>
        <p>${esc(o.op.summary || "")}</p>${o.op.description ? `<p class="muted">${esc(o.op.description)}</p>` : ""}
        ${(o.op.parameters || []).length ? `<p>Parameters: ${o.op.parameters.map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)})`).join(", ")}</p>` : ""}
        <p>Answers: ${Object.keys(o.op.responses || {}).join(", ")}</p>
        <pre>${esc(curl(base, o))}</pre><pre>${esc(csharp(base, o))}</pre></div>`).join("")}`;
  },
};

function curl(base, o) {
  if (o.method === "POST") return `curl -F file=@face.jpg "${base}${o.path}?detectFaces=true"\ncurl -H "Content-Type: image/jpeg" --data-binary @face.jpg "${base}${o.path}"`;
  return `curl "${base}${o.path.replace("{name}", "pretrained")}"`;
}

function csharp(base, o) {
  if (o.method === "POST") return `using var http = new HttpClient { BaseAddress = new Uri("${base}") };
using var form = new MultipartFormDataContent();
form.Add(new ByteArrayContent(File.ReadAllBytes("face.jpg")), "file", "face.jpg");
var response = await http.PostAsync("${o.path}?detectFaces=true", form);
Console.WriteLine(await response.Content.ReadAsStringAsync());`;
  return `using var http = new HttpClient { BaseAddress = new Uri("${base}") };
Console.WriteLine(await http.GetStringAsync("${o.path.replace("{name}", "pretrained")}"));`;
}

async function predictFiles(files) {
  if (files.length === 0) return;
  const status = document.getElementById("status"), results = document.getElementById("results");
  const model = document.getElementById("model").value, detect = document.getElementById("detect").checked;
  status.textContent = "Predicting " + files.length + " image(s)…";
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  const query = `?model=${encodeURIComponent(model)}&detectFaces=${detect}`;
  const response = await fetch("/api/predict" + query, { method: "POST", body: form, headers: authHeaders() });
  if (!response.ok) { status.innerHTML = `<span class="error">${response.status}: ${esc(await problemText(response))}</span>`; return; }
  const answer = await response.json();
  status.textContent = `${answer.model} (version ${answer.version})`;
  lastPredictions = answer.images.map((img) => ({ ...img, model: answer.model }));
  document.getElementById("csv").disabled = false;
  results.innerHTML = "";
  answer.images.forEach((img, i) => {
    const url = URL.createObjectURL(files[i]);
    const boxes = img.faces.map((f) => `<div class="box ${f.label}" style="left:${100 * f.box.x / img.width}%;top:${100 * f.box.y / img.height}%;width:${100 * f.box.width / img.width}%;height:${100 * f.box.height / img.height}%">
      <span>${f.label} ${(100 * f.confidence).toFixed(1)}%${f.abstained ? " (abstained)" : ""}</span></div>`).join("");
    const card = document.createElement("div");
    card.className = "card result";
    card.innerHTML = `<h2>${esc(img.file)}</h2><div class="photo"><img src="${url}" alt="${esc(img.file)}">${boxes}</div>
      <p>${img.faceFound ? img.faces.map((f) => `<span class="label ${f.label}">${f.label}</span> — P(male) ${num(f.pMale, 4)}${f.detectorScore !== null ? `, detector score ${num(f.detectorScore, 3)}` : ""}`).join("<br>") : "No face found."}</p>
      <p><button class="secondary annotate">Download the annotated image</button></p>`;
    card.querySelector(".annotate").addEventListener("click", () => downloadAnnotated(files[i], model, detect));
    results.appendChild(card);
  });
}

async function downloadAnnotated(file, model, detect) {
  const form = new FormData();
  form.append("file", file, file.name);
  const response = await fetch(`/api/predict?model=${encodeURIComponent(model)}&detectFaces=${detect}&annotate=true`, { method: "POST", body: form, headers: authHeaders() });
  if (!response.ok) return;
  save(await response.blob(), file.name.replace(/\.[^.]*$/, "") + "-annotated.png");
}

function downloadCsv() {
  const quote = (v) => /[",\n]/.test(String(v)) ? '"' + String(v).replace(/"/g, '""') + '"' : String(v);
  const rows = [["file", "model", "face", "x", "y", "width", "height", "detectorScore", "label", "pMale", "abstained"]];
  for (const img of lastPredictions) {
    img.faces.forEach((f, k) => rows.push([img.file, img.model, k + 1, f.box.x, f.box.y, f.box.width, f.box.height, f.detectorScore ?? "", f.label, f.pMale, f.abstained]));
    if (img.faces.length === 0) rows.push([img.file, img.model, 0, "", "", "", "", "", "", "", ""]);
  }
  save(new Blob([rows.map((r) => r.map(quote).join(",")).join("\n") + "\n"], { type: "text/csv" }), "predictions.csv");
}

function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

async function render() {
  clearTimeout(pollTimer);
  const route = (location.hash.replace(/^#\/?/, "") || "summary").split("?")[0];
  const name = pages[route] ? route : "summary";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === name);
  try {
    await pages[name]();
    document.body.dataset.page = name;
  } catch (e) {
    page.innerHTML = `<div class="card error">${esc(e.message)}</div>`;
  }
}

window.addEventListener("hashchange", render);
render();
