// The emulator's web page: reads the admin API, listens to /_emulator/live (Server-Sent
// Events) and redraws. No framework, no build step; every text goes in through textContent.
(function () {
  "use strict";

  const MAX_ROWS = 500; // log rows kept in the page
  const REFRESH_MS = 250; // coalesce overview refreshes

  const state = {
    overview: null,
    channel: null, // selected conversation id
    users: new Map(), // id -> user
    replyTo: null, // thread ts the composer replies in
    requests: [],
    events: [],
    connections: new Set(),
    clockAvailable: true,
  };

  // ===== helpers =====

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "background") node.style.background = v; // CSSOM: allowed by the CSP
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    if (opts.body !== undefined && typeof opts.body !== "string") {
      opts.body = JSON.stringify(opts.body);
      opts.headers["content-type"] = "application/json";
    }
    const resp = await fetch("/_emulator/" + path, opts);
    let body = null;
    try {
      body = await resp.json();
    } catch (_) {
      body = null;
    }
    return { status: resp.status, body: body };
  }

  function say(id, text, isError) {
    const node = $(id);
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  function localTime(secs) {
    const d = new Date(secs * 1000);
    return d.toLocaleTimeString([], { hour12: false });
  }

  function userName(id) {
    const u = state.users.get(id);
    return u ? u.name : id;
  }

  function colorFor(id) {
    let h = 0;
    for (const ch of String(id)) h = (h * 31 + ch.charCodeAt(0)) % 360;
    return "hsl(" + h + ", 45%, 42%)";
  }

  function pretty(value) {
    return JSON.stringify(value, null, 2);
  }

  // Slack's mrkdwn escapes (<@U…>, <#C…|name>, <url|label>) as readable text.
  function renderText(text) {
    const out = [];
    const re = /<([^<>]+)>/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      out.push(text.slice(last, m.index));
      const [target, label] = m[1].split("|", 2);
      if (target.startsWith("@")) {
        out.push(el("span", { class: "mention", text: "@" + (label || userName(target.slice(1))) }));
      } else if (target.startsWith("#")) {
        out.push(el("span", { class: "mention", text: "#" + (label || target.slice(1)) }));
      } else if (target.startsWith("!")) {
        out.push(el("span", { class: "mention", text: "@" + (label || target.slice(1)) }));
      } else {
        out.push(label || target);
      }
      last = re.lastIndex;
    }
    out.push(text.slice(last));
    return out;
  }

  // ===== conversation =====

  function selectChannel(id) {
    state.channel = id;
    state.replyTo = null;
    $("reply-banner").hidden = true;
    refreshOverview();
  }

  // "#" for a public channel, a lock for a private one, nothing for DMs.
  function channelMark(c) {
    if (c.kind === "public") return el("span", { class: "mark", "aria-hidden": "true", text: "#" });
    if (c.kind === "private") return el("span", { class: "mark lock", title: "private", "aria-label": "private" });
    return null;
  }

  function channelButton(c) {
    return el(
      "li",
      {},
      el(
        "button",
        {
          type: "button",
          "aria-current": c.id === state.channel ? "true" : "false",
          onclick: () => selectChannel(c.id),
          "data-channel": c.id,
        },
        el("span", { class: "chan-name" + (c.archived ? " archived" : "") }, channelMark(c), c.name),
        el("span", { class: "n", text: c.messages || "" })
      )
    );
  }

  function messageItem(m, inThread) {
    const uid = m.user || m.bot_id || "?";
    const name = m.username || userName(uid);
    const isBot = Boolean(m.bot_id) || (state.users.get(uid) || {}).is_bot;
    const meta = [];
    for (const r of m.reactions || []) {
      meta.push(el("span", { class: "reaction", title: (r.users || []).map(userName).join(", "), text: ":" + r.name + ": " + r.count }));
    }
    for (const f of m.files || []) {
      meta.push(el("span", { class: "file-chip", text: "file: " + (f.name || f.title || f.id) }));
    }
    if (!inThread) {
      meta.push(
        el("button", {
          type: "button",
          class: "link",
          text: "Reply in thread",
          onclick: () => {
            state.replyTo = m.ts;
            $("reply-ts").textContent = m.ts;
            $("reply-banner").hidden = false;
            $("post-text").focus();
          },
        })
      );
    }
    const replies = inThread ? null : m.replies || [];
    return el(
      "li",
      { class: "message", "data-ts": m.ts },
      el("div", { class: "avatar", background: colorFor(uid), "aria-hidden": "true", text: name.slice(0, 1).toUpperCase() }),
      el(
        "div",
        { class: "msg-head" },
        el("strong", { text: name }),
        isBot ? el("span", { class: "app-tag", text: "APP" }) : null,
        el("time", { datetime: new Date(parseFloat(m.ts) * 1000).toISOString(), text: localTime(parseFloat(m.ts)) }),
        m.subtype ? el("span", { class: "muted", text: m.subtype }) : null
      ),
      el("div", { class: "msg-text" }, renderText(m.text || ""), m.edited ? el("span", { class: "edited", text: " (edited)" }) : null),
      meta.length ? el("div", { class: "msg-meta" }, meta) : null,
      replies && replies.length
        ? el("ol", { class: "replies", "aria-label": replies.length + " replies" }, replies.map((r) => messageItem(r, true)))
        : null
    );
  }

  function drawOverview(o) {
    state.overview = o;
    state.users = new Map(o.users.map((u) => [u.id, u]));
    $("team").textContent = o.team.name + " · " + o.team.id;
    if (o.selected) state.channel = o.selected.id;

    const named = o.channels.filter((c) => c.kind === "public" || c.kind === "private");
    const dms = o.channels.filter((c) => c.kind === "im" || c.kind === "mpim");
    $("channels").replaceChildren(...named.map(channelButton));
    $("dms").replaceChildren(...dms.map(channelButton));
    $("users").replaceChildren(
      ...o.users.map((u) =>
        el("li", {}, el("span", { class: u.is_bot ? "dot bot" : "dot", "aria-hidden": "true" }), el("span", { text: u.name + (u.is_bot ? " (bot)" : "") }), el("span", { class: "id", text: u.id }))
      )
    );

    const current = o.channels.find((c) => c.id === state.channel);
    if (current) {
      const prefix = current.kind === "public" ? "#" : "";
      $("channel-title").replaceChildren(current.kind === "private" ? channelMark(current) : "", prefix + current.name);
      const about = [current.topic || current.purpose, current.members.length + " members", current.messages + " messages"];
      if (current.archived) about.unshift("archived");
      $("channel-topic").textContent = about.filter(Boolean).join(" · ");
    }

    const list = $("messages");
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const threads = (o.selected && o.selected.threads) || [];
    if (threads.length) list.replaceChildren(...threads.map((m) => messageItem(m, false)));
    else list.replaceChildren(el("li", { class: "empty", text: "No messages yet. Post one below." }));
    if (atBottom) list.scrollTop = list.scrollHeight;

    // Humans first, then the bot; keep the current choice.
    const select = $("post-user");
    const chosen = select.value;
    const people = o.users.slice().sort((a, b) => Number(a.is_bot) - Number(b.is_bot));
    select.replaceChildren(...people.map((u) => el("option", { value: u.id, text: u.name })));
    if (chosen && state.users.has(chosen)) select.value = chosen;

    $("files-caption").textContent = o.file_count + " files · " + o.remote_file_count + " remote files · " + o.view_count + " views";
    $("files").replaceChildren(
      ...o.files.map((f) =>
        el("tr", {}, el("td", { text: f.name || f.title || "" }), el("td", { text: f.size === null ? "" : f.size + " B" }), el("td", { text: userName(f.user || "") }), el("td", { class: "mono", text: f.id }))
      )
    );
  }

  let refreshTimer = null;
  let refreshing = false;
  let refreshAgain = false;

  async function refreshNow() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      const q = state.channel ? "?channel=" + encodeURIComponent(state.channel) : "";
      const r = await api("overview" + q);
      if (r.body && r.body.ok) drawOverview(r.body);
      loadClock();
    } finally {
      refreshing = false;
      if (refreshAgain) {
        refreshAgain = false;
        refreshOverview();
      }
    }
  }

  function refreshOverview() {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      refreshNow();
    }, REFRESH_MS);
  }

  // Post as the chosen user; `@name` becomes a real mention.
  async function post(event) {
    event.preventDefault();
    const input = $("post-text");
    let text = input.value.trim();
    if (!text || !state.channel) return;
    text = text.replace(/(^|\s)@([\w.-]+)/g, (all, space, name) => {
      for (const u of state.users.values()) {
        if (u.name === name) return space + "<@" + u.id + ">";
      }
      return all;
    });
    const body = { user: $("post-user").value, channel: state.channel, text: text };
    if (state.replyTo) body.thread_ts = state.replyTo;
    $("post-send").disabled = true;
    try {
      const r = await api("messages", { method: "POST", body: body });
      if (r.body && r.body.ok) {
        input.value = "";
        say("post-status", "Posted as " + userName(body.user) + " (ts " + r.body.ts + ")");
      } else {
        say("post-status", "Not posted: " + ((r.body && r.body.error) || "HTTP " + r.status), true);
      }
    } catch (e) {
      say("post-status", "Not posted: " + e, true);
    } finally {
      $("post-send").disabled = false;
      refreshOverview();
    }
  }

  // ===== logs =====

  function requestStatus(r) {
    if (r.dropped) return el("span", { class: "st st-err", text: "dropped" });
    if (r.ok === true) return el("span", { class: "st st-ok", text: "ok" });
    if (r.error) return el("span", { class: "st " + (r.status === 429 ? "st-warn" : "st-err"), text: r.error });
    return el("span", { class: "st st-err", text: "HTTP " + r.status });
  }

  function requestRow(r) {
    const answer = r.answer !== undefined ? pretty(r.answer) : r.answer_text || "(no answer: connection dropped)";
    return el(
      "li",
      { "data-method": r.method, "data-id": r.id },
      el(
        "details",
        {},
        el(
          "summary",
          {},
          el("span", { class: "t", text: localTime(r.at) }),
          el("span", { class: "m", text: r.method }),
          requestStatus(r),
          el("span", { class: "lat", text: r.latency_ms.toFixed(1) + " ms" })
        ),
        el(
          "div",
          { class: "detail" },
          el("h3", { text: "Token" }),
          el("pre", { class: "token", text: r.token || "(none)" }),
          el("h3", { text: "Arguments" }),
          el("pre", { text: pretty(r.args) }),
          el("h3", { text: "Answer · HTTP " + (r.status === null ? "—" : r.status) + " · " + r.answer_bytes + " bytes" }),
          el("pre", { text: answer })
        )
      )
    );
  }

  function eventConnection(e) {
    if (e.via === "socket_mode") return "socket_mode #" + e.connection;
    if (e.via === "events_api") return "events_api";
    return e.only_for ? "rtm → " + userName(e.only_for) : "rtm (" + e.connections_open + " open)";
  }

  function eventKey(e) {
    return e.via === "socket_mode" ? "socket_mode#" + e.connection : e.via;
  }

  function eventRow(e) {
    const extra = [];
    if (e.delivery_id) extra.push(e.delivery_id);
    if (e.attempt) extra.push("retry " + e.attempt + (e.retry_reason ? " (" + e.retry_reason + ")" : ""));
    if (e.outcome) extra.push(e.outcome);
    return el(
      "li",
      { "data-via": e.via, "data-key": eventKey(e) },
      el(
        "details",
        {},
        el(
          "summary",
          {},
          el("span", { class: "t", text: localTime(e.at) }),
          el("span", { class: "m", text: e.type || "(event)" }),
          el("span", { class: "via", text: eventConnection(e) }),
          el("span", { class: "lat", text: e.attempt ? "×" + (e.attempt + 1) : "" })
        ),
        el("div", { class: "detail" }, extra.length ? el("p", { class: "muted", text: extra.join(" · ") }) : null, el("pre", { text: pretty(e.payload) }))
      )
    );
  }

  function applyRequestFilter() {
    const q = $("request-filter").value.trim().toLowerCase();
    for (const li of $("requests").children) {
      li.hidden = q !== "" && !li.dataset.method.toLowerCase().includes(q);
    }
  }

  function applyEventFilter() {
    const q = $("event-filter").value;
    for (const li of $("events").children) li.hidden = q !== "" && li.dataset.key !== q;
  }

  function noteConnection(e) {
    const key = eventKey(e);
    if (state.connections.has(key)) return;
    state.connections.add(key);
    const label = e.via === "socket_mode" ? "Socket Mode #" + e.connection : e.via === "rtm" ? "RTM" : "Events API";
    $("event-filter").append(el("option", { value: key, text: label }));
  }

  function prependLimited(list, node) {
    list.prepend(node);
    while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
  }

  function addRequest(r) {
    prependLimited($("requests"), requestRow(r));
    $("count-requests").textContent = String($("requests").children.length);
    applyRequestFilter();
  }

  function addEvent(e) {
    noteConnection(e);
    prependLimited($("events"), eventRow(e));
    $("count-events").textContent = String($("events").children.length);
    applyEventFilter();
  }

  async function loadLogs() {
    const [req, ev] = await Promise.all([api("requests"), api("events")]);
    $("requests").replaceChildren();
    $("events").replaceChildren();
    for (const r of (req.body && req.body.requests) || []) addRequest(r);
    for (const e of (ev.body && ev.body.events) || []) addEvent(e);
    $("count-requests").textContent = String($("requests").children.length);
    $("count-events").textContent = String($("events").children.length);
  }

  // ===== controls =====

  async function loadClock() {
    if (!state.clockAvailable) return;
    try {
      const r = await api("clock");
      showClock(r);
    } catch (_) {
      showClock({ status: 0, body: null });
    }
  }

  function showClock(r) {
    const controls = ["clock-freeze", "clock-resume"].map($).concat(Array.from(document.querySelectorAll("#clock-advance button, #clock-set button")));
    if (r.status === 404 || !r.body || r.body.ok !== true) {
      state.clockAvailable = r.status !== 404;
      $("clock-state").textContent =
        r.status === 404 ? "This emulator has no controllable clock (/_emulator/clock answered 404)." : "Clock unavailable: " + ((r.body && r.body.error) || "HTTP " + r.status);
      $("clock-now").textContent = "";
      controls.forEach((b) => (b.disabled = true));
      return;
    }
    controls.forEach((b) => (b.disabled = false));
    const now = Number(r.body.now);
    const text = new Date(now * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
    $("clock-state").textContent = (r.body.frozen ? "Frozen at " : "Running: ") + text;
    $("clock-now").textContent = (r.body.frozen ? "⏸ " : "") + text;
  }

  async function clock(body) {
    const r = await api("clock", { method: "POST", body: body });
    showClock(r);
    if (r.status !== 404 && !(r.body && r.body.ok)) say("controls-status", "Clock: " + ((r.body && r.body.error) || "HTTP " + r.status), true);
    refreshOverview();
  }

  async function loadFaults() {
    const r = await api("faults");
    const rules = (r.body && r.body.faults) || [];
    const hits = (r.body && r.body.hits) || {};
    $("faults").replaceChildren(
      ...(rules.length ? rules.map((f) => el("li", { text: f.method + " → " + f.fault + (f.status ? " " + f.status : "") + (f.error ? " " + f.error : "") + (f.delay_ms ? " " + f.delay_ms + " ms" : "") + (f.always ? " (until cleared)" : " ×" + f.times) })) : [el("li", { class: "muted", text: "No faults." })]),
      ...Object.entries(hits).map(([m, n]) => el("li", { class: "muted", text: "fired on " + m + ": " + n }))
    );
  }

  async function addFault(event) {
    event.preventDefault();
    const f = event.target.elements;
    const body = { method: f.method.value.trim() || "*", fault: f.fault.value };
    const detail = f.detail.value.trim();
    if (body.fault === "status") body.status = Number(detail || 500);
    if (body.fault === "api_error") body.error = detail || "internal_error";
    if (body.fault === "delay" || body.fault === "slow_body") body.delay_ms = Number(detail || 1000);
    if (body.fault === "rate_limited" && detail) body.retry_after = Number(detail);
    if (f.always.checked) body.always = true;
    else body.times = Number(f.times.value || 1);
    const r = await api("faults", { method: "POST", body: body });
    say("controls-status", r.body && r.body.ok ? "Fault added." : "Fault refused: " + ((r.body && r.body.error) || r.status), !(r.body && r.body.ok));
    loadFaults();
  }

  async function loadLimits() {
    const r = await api("rate_limits");
    const mode = r.body && r.body.rate_limits ? r.body.rate_limits.mode : "?";
    const select = $("limits-form").elements.mode;
    if (mode === "custom" && !select.querySelector("option[value=custom]")) {
      select.append(el("option", { value: "custom", text: "custom (set over the API)", disabled: true }));
    }
    select.value = mode;
    $("limits-state").textContent = "now: " + mode;
  }

  async function loadStats() {
    const r = await api("stats");
    if (!r.body || !r.body.ok) return;
    const s = r.body;
    $("stats").textContent =
      s.requests + " HTTP requests · " + s.rate_limited + " rate limited · " + s.rtm_connections + " RTM · " + s.socket_mode_connections + " Socket Mode connections";
  }

  function loadControls() {
    loadFaults();
    loadLimits();
    loadStats();
    loadClock();
  }

  // ===== tabs =====

  function selectTab(tab) {
    for (const t of document.querySelectorAll('[role="tab"]')) {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (tab.id === "tab-controls") loadControls();
  }

  function setupTabs() {
    const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
    tabs.forEach((t, i) => {
      t.addEventListener("click", () => selectTab(t));
      t.addEventListener("keydown", (e) => {
        const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        const next = tabs[(i + step + tabs.length) % tabs.length];
        next.focus();
        selectTab(next);
      });
    });
  }

  // ===== live =====

  function setLive(text, cls) {
    const b = $("live-status");
    b.textContent = text;
    b.className = "badge " + cls;
  }

  function connectLive() {
    const source = new EventSource("/_emulator/live");
    source.addEventListener("hello", () => {
      setLive("live", "badge-live");
      // Whatever happened while away.
      loadLogs();
      refreshOverview();
    });
    source.addEventListener("resync", () => {
      loadLogs();
      refreshOverview();
    });
    source.onmessage = (m) => {
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch (_) {
        return;
      }
      if (msg.kind === "request") {
        addRequest(msg.record);
        refreshOverview();
      } else if (msg.kind === "event") {
        addEvent(msg.record);
        refreshOverview();
      } else if (msg.kind === "changed") {
        refreshOverview();
        if (!$("pane-controls").hidden) loadControls();
      }
    };
    source.onerror = () => setLive("reconnecting…", source.readyState === EventSource.CLOSED ? "badge-off" : "badge-wait");
  }

  // ===== start =====

  function start() {
    setupTabs();
    $("composer").addEventListener("submit", post);
    $("reply-cancel").addEventListener("click", () => {
      state.replyTo = null;
      $("reply-banner").hidden = true;
    });
    $("request-filter").addEventListener("input", applyRequestFilter);
    $("event-filter").addEventListener("change", applyEventFilter);
    $("fault-form").addEventListener("submit", addFault);
    $("fault-clear").addEventListener("click", async () => {
      await api("faults", { method: "DELETE" });
      say("controls-status", "Faults cleared.");
      loadFaults();
    });
    $("limits-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const r = await api("rate_limits", { method: "POST", body: { mode: e.target.elements.mode.value } });
      say("controls-status", r.body && r.body.ok ? "Rate limits changed." : "Refused.", !(r.body && r.body.ok));
      loadLimits();
    });
    $("clock-freeze").addEventListener("click", () => clock({ freeze: true }));
    $("clock-resume").addEventListener("click", () => clock({ resume: true }));
    $("clock-advance").addEventListener("submit", (e) => {
      e.preventDefault();
      clock({ advance: Number(e.target.elements.secs.value || 0) });
    });
    $("clock-set").addEventListener("submit", (e) => {
      e.preventDefault();
      const v = e.target.elements.at.value;
      if (v) clock({ set: Date.parse(v + "Z") / 1000 });
    });
    $("reset").addEventListener("click", async () => {
      if (!window.confirm("Reset the workspace to its seed? Messages, files and logs are lost.")) return;
      await api("reset", { method: "POST" });
      say("controls-status", "Workspace reset.");
      loadLogs();
      loadControls();
      refreshOverview();
    });
    refreshNow();
    loadLogs();
    loadClock();
    connectLive();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
