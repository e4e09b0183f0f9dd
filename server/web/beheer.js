/* Sociale kaart — the moderators' console (/beheer).
 *
 * Talks to the moderation API with the moderator's API key, sent as a Bearer
 * token. The key lives in sessionStorage only: it is gone when the tab closes.
 * Everything shown is built with DOM methods and textContent (never innerHTML
 * with data), so entry texts cannot inject markup.
 */
(function () {
  "use strict";

  var KEY = "socialekaart.key";
  var state = { me: null, themes: {}, areas: {}, areaKind: {}, vocab: {}, orgs: {}, orgsGen: 0 };

  var KIND = { place: "Plek", activity: "Activiteit", vacancy: "Vrijwilligerswerk", carer_support: "Steun voor mantelzorgers",
    service: "Hulp en advies" };
  var REASON = {
    outdated: "Niet meer actueel",
    wrong_address: "Adres klopt niet",
    no_longer_exists: "Bestaat niet meer",
    inappropriate: "Hoort hier niet",
    other: "Iets anders",
  };

  function $(id) {
    return document.getElementById(id);
  }

  /* el("p", {className: "x"}, "text", child, …): a small DOM builder. */
  function el(tag, props) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "dataset") Object.assign(node.dataset, props[k]);
      else if (k in node && k !== "for") node[k] = props[k];
      else node.setAttribute(k === "for" ? "for" : k, props[k]);
    });
    var kids = Array.prototype.slice.call(arguments, 2);
    (function add(list) {
      list.forEach(function (c) {
        if (c === null || c === undefined || c === false) return;
        if (Array.isArray(c)) return add(c);
        node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
      });
    })(kids);
    return node;
  }

  function api(method, path, body) {
    var headers = { Accept: "application/json", Authorization: "Bearer " + sessionStorage.getItem(KEY) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(
      function (res) {
        return res.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch (e) {
            data = null;
          }
          if (!res.ok) {
            var err = new Error((data && (data.detail || data.title)) || "HTTP " + res.status);
            err.status = res.status;
            throw err;
          }
          return data;
        });
      }
    );
  }

  function say(id, text, isError) {
    var node = $(id);
    node.textContent = text;
    node.classList.toggle("is-error", !!isError);
  }

  function date(iso) {
    if (!iso) return "–";
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    return DATE_NL.format(d);
  }

  var DATE_NL = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric" });
  var DATETIME_NL = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });

  function dateTime(iso) {
    if (!iso) return "–";
    var d = new Date(iso);
    return isNaN(d) ? iso : DATETIME_NL.format(d);
  }

  var FIELD = {
    title: "Titel", summary: "Korte tekst", description: "Beschrijving", translations: "Vertalingen",
    municipality: "Gemeente", areas: "Wijken of dorpen", themes: "Thema's", audiences: "Voor wie",
    accessibility: "Toegankelijkheid", cost: "Kosten", contact: "Contact", languages: "Talen",
    images: "Afbeeldingen", address: "Adres", location: "Locatie", opening_hours: "Openingstijden",
    schedule: "Wanneer", registration: "Aanmelden", capacity: "Plaatsen", places_left: "Plaatsen vrij",
    address_visibility: "Adres zichtbaar", online: "Online", place_id: "Plek", organisation_id: "Organisatie",
    hours_per_week: "Uren per week", commitment: "Hoe lang", min_age: "Minimumleeftijd", skills: "Vaardigheden",
    valid_until: "Geldig tot", support_kind: "Soort steun", for_whom: "Voor wie (mantelzorg)",
    referral_required: "Verwijzing nodig", indication_required: "Indicatie nodig", channels: "Zo bereikbaar",
  };

  /* Codes a moderator can meet in a value, in Dutch. Vocabularies (themes, audiences,
   * accessibility features, support kinds) come from the API in loadLabels. */
  var CODE = {
    none: "Niet nodig", required: "Verplicht", public: "Openbaar", area_only: "Alleen de wijk",
    "one-off": "Eenmalig", ongoing: "Doorlopend", pending: "Wacht op besluit", published: "Gepubliceerd",
    rejected: "Afgewezen", hidden: "Verborgen", deleted: "Verwijderd", approved: "Goedgekeurd",
    superseded: "Vervangen", withdrawn: "Ingetrokken", open: "Open", resolved: "Afgehandeld",
    accepted: "Gebruikt", expired: "Verlopen", revoked: "Ingetrokken",
    place: "Plek", activity: "Activiteit", vacancy: "Vrijwilligerswerk", carer_support: "Steun voor mantelzorgers",
    service: "Hulp en advies", walk_in: "Spreekuur of inloop", home_visit: "Huisbezoek",
    partner: "Partner", moderator: "Moderator", admin: "Beheerder",
    yes: "ja", no: "nee", limited: "beperkt", unknown: "onbekend",
  };
  /* Names of sub-fields (objects such as cost, contact, address). */
  var KEYNAME = {
    free: "Gratis", amount_eur: "Bedrag (euro)", discount_pass: "Met kortingspas", email: "E-mail", phone: "Telefoon",
    website: "Website", street: "Straat", house_number: "Huisnummer", postcode: "Postcode", city: "Plaats",
    lat: "Breedte", lon: "Lengte", nl: "Nederlands", en: "Engels", title: "Titel", summary: "Korte tekst",
    description: "Beschrijving", start: "Begint", end: "Eindigt", starts: "Begint", ends: "Eindigt", rrule: "Herhaling",
    exceptions: "Uitzonderingen", exdates: "Niet op", until: "Tot en met", count: "Aantal keer",
  };
  /* The vocabulary a field's codes belong to. */
  var VOCAB_OF = { themes: "themes", audiences: "audiences", accessibility: "accessibility", support_kind: "support", for_whom: "audiences" };

  var DAY = { MO: "maandag", TU: "dinsdag", WE: "woensdag", TH: "donderdag", FR: "vrijdag", SA: "zaterdag", SU: "zondag" };

  /* A repeat rule (RFC 5545 RRULE) in words; an unusual rule is shown as it is. */
  function rruleText(rule) {
    var p = {};
    String(rule).replace(/^RRULE:/, "").split(";").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) p[kv.slice(0, i)] = kv.slice(i + 1);
    });
    var n = parseInt(p.INTERVAL || "1", 10);
    var days = (p.BYDAY || "").split(",").filter(Boolean).map(function (d) {
      var m = /^(-?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
      if (!m) return null;
      var nth = m[1] ? (m[1] === "-1" ? "laatste " : m[1] + "e ") : "";
      return nth + DAY[m[2]];
    });
    if (days.indexOf(null) >= 0) return rule;
    var text;
    if (p.FREQ === "WEEKLY") text = (n === 1 ? "elke week" : "om de " + n + " weken") + (days.length ? " op " + days.join(" en ") : "");
    else if (p.FREQ === "DAILY") text = n === 1 ? "elke dag" : "om de " + n + " dagen";
    else if (p.FREQ === "MONTHLY") text = (n === 1 ? "elke maand" : "om de " + n + " maanden") + (days.length ? " op de " + days.join(" en ") : p.BYMONTHDAY ? " op de " + p.BYMONTHDAY + "e" : "");
    else return rule;
    if (p.UNTIL) text += ", tot en met " + date(p.UNTIL.replace(/^(\d{4})(\d{2})(\d{2}).*$/, "$1-$2-$3"));
    if (p.COUNT) text += ", " + p.COUNT + " keer";
    return text;
  }

  function codeLabel(field, code) {
    if (field === "rrule") return rruleText(code);
    var v = state.vocab[VOCAB_OF[field]] || {};
    if (field === "themes" && state.themes[code]) return state.themes[code];
    if (v[code]) return v[code];
    if (field === "areas" || field === "municipality") return state.areas[code] || code;
    if (field === "organisation_id") return state.orgs[code] || "een organisatie";
    return CODE[code] || code;
  }

  /* A field path ("accessibility.wheelchair", "cost.free") as Dutch text. */
  function fieldLabel(path) {
    var parts = String(path).split(".");
    if (parts.length === 1) return FIELD[path] || KEYNAME[path] || path;
    var head = parts[0];
    var rest = parts.slice(1).map(function (p) {
      var v = state.vocab[VOCAB_OF[head]] || {};
      return v[p] || KEYNAME[p] || FIELD[p] || p;
    });
    return (FIELD[head] || head) + ": " + rest.join(" – ");
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && !value.length) ||
      (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length);
  }

  /* A value as readable text: lists joined, objects as "key: value" lines. */
  function show(value, field) {
    if (isEmpty(value)) return "(leeg)";
    if (typeof value === "string") {
      if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(value)) return /T/.test(value) ? dateTime(value) : date(value);
      return codeLabel(field, value);
    }
    if (typeof value === "boolean") return value ? "ja" : "nee";
    if (Array.isArray(value)) {
      return value.map(function (v) {
        return show(v, field);
      }).join(", ");
    }
    if (typeof value === "object") {
      var sub = state.vocab[VOCAB_OF[field]] || {};
      return Object.keys(value).map(function (k) {
        return (sub[k] || KEYNAME[k] || FIELD[k] || k) + ": " + show(value[k], k);
      }).join("; ");
    }
    return String(value);
  }

  /* ---------- login ---------- */

  function login(key) {
    sessionStorage.setItem(KEY, key);
    return api("GET", "/api/v1/me").then(function (me) {
      if (!me || (me.role !== "moderator" && me.role !== "admin")) {
        sessionStorage.removeItem(KEY);
        throw new Error("Deze sleutel is niet van een moderator.");
      }
      state.me = me;
      return me;
    });
  }

  function logout() {
    sessionStorage.removeItem(KEY);
    state.me = null;
    $("console").hidden = true;
    $("login").hidden = false;
    $("api-key").value = "";
    $("api-key").focus();
  }

  function enter() {
    var me = state.me;
    var scope = me.municipalities || me.scope || [];
    $("login").hidden = true;
    $("console").hidden = false;
    $("who").textContent =
      "Ingelogd als " + (me.role === "admin" ? "beheerder" : "moderator") +
      (me.all_municipalities || me.role === "admin" ? " voor alle gemeenten"
        : scope.length ? " voor " + scope.map(function (c) { return state.areas[c] || c; }).join(", ") : "") + ".";
    $("inhoud").focus();
    loadAll();
  }

  function loadAll() {
    loadQueue();
    loadReports();
    loadStale();
    loadCoverage();
    loadInitiatives();
    loadCampaigns();
    loadOrganisations();
    loadInvitations();
  }

  /* ---------- queue: new entries and revisions ---------- */

  /* Published versus proposed, field by field; a new entry only has the proposed side. */
  function diffTable(diff) {
    var fresh = diff.type === "new_entry";
    var order = Object.keys(FIELD);
    /* Fields in the order of the form; the parts of one field (address, schedule) in reading order. */
    var SUB = ["street", "house_number", "postcode", "city", "start", "end", "rrule", "exdates", "until", "free", "amount_eur", "discount_pass", "lat", "lon"];
    var rank = function (f) {
      var parts = String(f).split(".");
      var i = order.indexOf(parts[0]);
      var j = parts.length > 1 ? SUB.indexOf(parts[1]) : -1;
      return (i < 0 ? order.length : i) * 100 + (parts.length > 1 ? (j < 0 ? 99 : j + 1) : 0);
    };
    var changes = (diff.changes || []).filter(function (c) {
      return !(fresh && isEmpty(c.proposed));
    }).sort(function (a, b) {
      return rank(a.field) - rank(b.field);
    });
    var rows = changes.map(function (c) {
      return el(
        "tr",
        null,
        el("th", { scope: "row" }, fieldLabel(c.field)),
        fresh ? null : el("td", null, isEmpty(c.published) ? "(leeg)" : el("del", null, el("span", { className: "marker" }, "weg: "), show(c.published, c.field.split(".").pop()))),
        el("td", null, el("ins", null, fresh ? null : el("span", { className: "marker" }, "nieuw: "), show(c.proposed, c.field.split(".").pop())))
      );
    });
    var head = el("tr", null, el("th", { scope: "col" }, "Veld"),
      fresh ? null : el("th", { scope: "col" }, "Nu gepubliceerd"),
      el("th", { scope: "col" }, fresh ? "Inhoud (nieuw)" : "Voorgesteld"));
    return el(
      "table",
      { className: fresh ? "diff diff-new" : "diff" },
      el("caption", { className: "visually-hidden" }, fresh ? "Inhoud van het nieuwe aanbod" : "Wijzigingen per veld"),
      el("thead", null, head),
      el("tbody", null, rows)
    );
  }

  function appendAll(parent, nodes) {
    nodes.forEach(function (n) {
      parent.appendChild(n);
    });
    return parent;
  }

  function queueItem(item, index) {
    var id = item.entry_id;
    var li = el("li", { dataset: { entry: id } });
    var heading = el("h3", null, item.title || "(zonder titel)");
    var what = item.type === "revision" ? "Wijziging van gepubliceerd aanbod" : "Nieuw aanbod";
    li.appendChild(heading);
    li.appendChild(
      el("p", { className: "meta" },
        what + " · " + (KIND[item.kind] || item.kind) + " · " + (item.organisation_name || "onbekende organisatie") +
        " · wacht " + (item.waiting_hours || 0) + " uur")
    );
    /* The diff loads when opened (a long queue stays light); the first few open by themselves. */
    var diffBox = el("div", { className: "table-scroll", tabIndex: 0, role: "region", "aria-label": "Wijzigingen van " + (item.title || "") });
    var details = el("details", { className: "diff-details" },
      el("summary", null, item.type === "revision" ? "Bekijk de wijzigingen" : "Bekijk de inhoud"), diffBox);
    var loaded = false;
    details.addEventListener("toggle", function () {
      if (!details.open || loaded) return;
      loaded = true;
      diffBox.replaceChildren(el("p", null, "Laden…"));
      api("GET", "/api/v1/moderation/" + id + "/diff")
        .then(function (diff) {
          var ids = [];
          ((diff && diff.changes) || []).forEach(function (c) {
            if (c.field === "organisation_id") ids.push(c.published, c.proposed);
          });
          return orgNames(ids).then(function () {
            diffBox.replaceChildren(diffTable(diff || {}));
          });
        })
        .catch(function (e) {
          loaded = false;
          diffBox.replaceChildren(el("p", null, "De wijzigingen kunnen niet geladen worden: " + e.message));
        });
    });
    if (index < 5) details.open = true;
    li.appendChild(details);

    var reasonId = "reden-" + id;
    var reason = el("textarea", { id: reasonId, name: "reason", rows: 2, maxLength: 1000 });
    var approve = el("button", { type: "button", className: "approve" }, "Goedkeuren");
    var reject = el("button", { type: "button", className: "danger reject" }, "Afwijzen");
    var msg = el("p", { className: "status-msg", role: "status" });
    approve.setAttribute("aria-label", "Goedkeuren: " + (item.title || ""));
    reject.setAttribute("aria-label", "Afwijzen: " + (item.title || ""));
    function fail(text) {
      msg.textContent = text;
      msg.classList.add("is-error");
    }
    // One decision on the entry: both buttons wait for the answer.
    function decide(action, body, doneText, failWord) {
      approve.disabled = reject.disabled = true;
      api("POST", "/api/v1/moderation/" + id + "/" + action, body)
        .then(function () {
          done(li, doneText);
        })
        .catch(function (e) {
          approve.disabled = reject.disabled = false;
          fail(failWord + " lukt niet: " + e.message);
        });
    }
    approve.addEventListener("click", function () {
      decide("approve", {}, "Goedgekeurd: " + item.title + ". Het is nu zichtbaar voor inwoners.", "Goedkeuren");
    });
    reject.addEventListener("click", function () {
      if (!reason.value.trim()) {
        fail("Schrijf eerst een reden. De partner ziet deze reden.");
        reason.focus();
        return;
      }
      decide("reject", { reason: reason.value.trim() }, "Afgewezen: " + item.title + ".", "Afwijzen");
    });
    li.appendChild(
      el("div", { className: "decide" },
        el("div", { className: "field" }, el("label", { for: reasonId }, "Reden bij afwijzen (de partner ziet dit)"), reason),
        approve, reject)
    );
    li.appendChild(msg);
    return li;
  }

  function done(li, text) {
    say("console-status", text);
    var list = li.parentNode;
    li.remove();
    if (list && !list.children.length) list.appendChild(el("li", { className: "empty" }, "Er wacht niets meer."));
    $("console-status").focus && $("inhoud").focus();
  }

  function loadQueue() {
    var list = $("queue-list");
    list.replaceChildren(el("li", null, "Laden…"));
    Promise.all([
      api("GET", "/api/v1/moderation/queue?type=new_entry&limit=200"),
      api("GET", "/api/v1/moderation/queue?type=revision&limit=200"),
    ])
      .then(function (res) {
        var items = (res[0].items || []).concat(res[1].items || []);
        var more = res[0].next_cursor || res[1].next_cursor;
        items.sort(function (a, b) {
          return (a.submitted_at || "").localeCompare(b.submitted_at || "");
        });
        list.replaceChildren();
        $("queue-count").textContent = items.length
          ? (more ? "Meer dan " : "") + items.length + (items.length === 1 ? " wacht" : " wachten") + " op een besluit."
          : "";
        if (!items.length) list.appendChild(el("li", { className: "empty" }, "Er wacht niets. Goed bezig!"));
        items.forEach(function (it, i) {
          list.appendChild(queueItem(it, i));
        });
      })
      .catch(function (e) {
        list.replaceChildren(el("li", null, "De wachtrij kan niet geladen worden: " + e.message));
      });
  }

  /* ---------- reports ---------- */

  function reportItem(item) {
    var r = item.report || {};
    var li = el("li");
    li.appendChild(el("h3", null, el("a", { href: "/aanbod/" + item.entry_id }, item.title || "(zonder titel)")));
    li.appendChild(el("p", { className: "meta" }, (REASON[r.reason] || r.reason || "") + " · gemeld op " + date(r.created_at || item.submitted_at)));
    if (r.message) li.appendChild(el("blockquote", null, r.message));
    var fid = "afhandeling-" + item.id;
    var note = el("input", { id: fid, type: "text", maxLength: 1000 });
    var btn = el("button", { type: "button", className: "secondary" }, "Afgehandeld");
    btn.setAttribute("aria-label", "Melding afgehandeld: " + (item.title || ""));
    var msg = el("p", { className: "status-msg", role: "status" });
    btn.addEventListener("click", function () {
      btn.disabled = true;
      var body = note.value.trim() ? { resolution: note.value.trim() } : {};
      api("POST", (item.links && item.links.resolve) || "/api/v1/moderation/reports/" + item.id + "/resolve", body)
        .then(function () {
          done(li, "Melding afgehandeld: " + item.title + ".");
        })
        .catch(function (e) {
          btn.disabled = false;
          msg.textContent = "Dat lukt niet: " + e.message;
          msg.classList.add("is-error");
        });
    });
    li.appendChild(el("div", { className: "decide" }, el("div", { className: "field" }, el("label", { for: fid }, "Wat heeft u gedaan? (mag leeg blijven)"), note), btn));
    li.appendChild(msg);
    return li;
  }

  function loadReports() {
    var list = $("report-list");
    list.replaceChildren(el("li", null, "Laden…"));
    api("GET", "/api/v1/moderation/queue?type=report&limit=200")
      .then(function (res) {
        list.replaceChildren();
        if (!res.items || !res.items.length) list.appendChild(el("li", { className: "empty" }, "Er zijn geen open meldingen."));
        (res.items || []).forEach(function (it) {
          list.appendChild(reportItem(it));
        });
      })
      .catch(function (e) {
        list.replaceChildren(el("li", null, "De meldingen kunnen niet geladen worden: " + e.message));
      });
  }

  /* ---------- stale ---------- */

  function loadStale() {
    var body = $("stale-table").tBodies[0];
    body.replaceChildren(el("tr", null, el("td", { colSpan: 4 }, "Laden…")));
    api("GET", "/api/v1/moderation/stale?limit=100")
      .then(function (res) {
        body.replaceChildren();
        if (!res.items || !res.items.length) body.appendChild(el("tr", null, el("td", { colSpan: 4 }, "Al het aanbod is op tijd bevestigd.")));
        (res.items || []).forEach(function (it) {
          body.appendChild(
            el("tr", null,
              el("td", null, el("a", { href: "/aanbod/" + it.id }, it.title), " (" + (KIND[it.kind] || it.kind) + ")"),
              el("td", null, date(it.reviewed_at)),
              el("td", null, date(it.stale_since)),
              el("td", null, it.hidden ? "Verborgen voor inwoners" : "Nog zichtbaar, wordt verborgen op " + date(it.hide_at)))
          );
        });
      })
      .catch(function (e) {
        body.replaceChildren(el("tr", null, el("td", { colSpan: 4 }, "Kan niet laden: " + e.message)));
      });
  }

  /* ---------- coverage ---------- */

  function coverageTable(cov) {
    var areas = (cov.areas || []).filter(function (a) {
      return a.kind !== "municipality";
    });
    var themes = [];
    (cov.by_theme || []).forEach(function (c) {
      if (themes.indexOf(c.theme) < 0) themes.push(c.theme);
    });
    var count = {};
    (cov.by_theme || []).forEach(function (c) {
      count[c.area + "|" + c.theme] = c.count;
    });
    var head = el("tr", null, el("th", { scope: "col" }, "Wijk of dorp"));
    themes.forEach(function (t) {
      /* Upright-turned headings: many themes fit side by side at 1280 px. */
      head.appendChild(el("th", { scope: "col" }, el("span", { className: "turn" }, state.themes[t] || t)));
    });
    var rows = areas.map(function (a) {
      var tr = el("tr", null, el("th", { scope: "row" }, a.name));
      themes.forEach(function (t) {
        var n = count[a.code + "|" + t] || 0;
        if (n === 0) {
          tr.appendChild(
            el("td", { className: "gap" },
              el("span", { className: "ico ico-gap", "aria-hidden": "true" }),
              " 0",
              el("span", { className: "visually-hidden" }, " – geen aanbod"))
          );
        } else {
          tr.appendChild(el("td", null, String(n)));
        }
      });
      return tr;
    });
    var gaps = rows.reduce(function (s, tr) {
      return s + tr.querySelectorAll("td.gap").length;
    }, 0);
    return [
      el("p", null, gaps + " lege vakken (gaten) in " + areas.length + " wijken of dorpen en " + themes.length + " thema's."),
      el(
        "table",
        { className: "coverage" },
        el("caption", null, "Gepubliceerd aanbod per wijk en thema in " + (state.areas[cov.municipality] || cov.municipality)),
        el("thead", null, head),
        appendAll(el("tbody"), rows)
      ),
    ];
  }

  /* ---------- demand: asked for next to offered (issue 16) ---------- */

  function demandView(m, d, svg, wishes) {
    var nodes = [];
    var name = state.areas[m] || m;
    nodes.push(
      el("p", null,
        el("img", {
          className: "heatmap",
          src: "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg))),
          alt: "Warmtekaart gevraagd en aanbod per wijk en thema in " + name + ". Dezelfde cijfers staan in de lijst hieronder.",
        }))
    );
    var gaps = (d.cells || []).filter(function (c) {
      return c.theme && (c.asked || 0) > 0 && c.offered === 0;
    });
    gaps.sort(function (a, b) { return b.asked - a.asked; });
    nodes.push(el("h4", null, "Gevraagd, maar geen aanbod"));
    nodes.push(
      gaps.length
        ? appendAll(el("ul", { className: "demand-gaps" }), gaps.slice(0, 15).map(function (c) {
            return el("li", null,
              (c.area === m ? "Hele gemeente" : state.areas[c.area] || c.area) + ", " + (state.themes[c.theme] || c.theme) +
              ": " + c.asked + " keer gevraagd");
          }))
        : el("p", null, "Geen: voor alles wat gevraagd is, is aanbod.")
    );
    nodes.push(el("h4", null, "Gezocht, niets gevonden"));
    nodes.push(
      (d.words || []).length
        ? appendAll(el("ul", { className: "demand-words" }), d.words.slice(0, 50).map(function (w) {
            return el("li", null, "\u201c" + w.words + "\u201d: " + w.searches + " keer");
          }))
        : el("p", null, "Geen zoekopdrachten zonder resultaat.")
    );
    nodes.push(el("h4", null, "Meldingen \u201cIk mis iets\u201d (" + (wishes.items || []).length + ")"));
    nodes.push(
      (wishes.items || []).length
        ? appendAll(el("ul", { className: "demand-wishes" }), wishes.items.map(function (w) {
            return el("li", null,
              el("strong", null, (w.area_name || "Hele gemeente") + (w.theme_label ? ", " + w.theme_label : "")),
              " (" + w.created_on.split("-").reverse().join("-") + "): ", w.text);
          }))
        : el("p", null, "Nog geen meldingen.")
    );
    var q = "municipality=" + encodeURIComponent(m);
    nodes.push(
      el("p", null, "Open data (kleine aantallen weggelaten): ",
        el("a", { href: "/api/v1/stats/demand?" + q + "&format=csv" }, "CSV"), ", ",
        el("a", { href: "/api/v1/stats/demand?" + q }, "JSON"), ", ",
        el("a", { href: "/api/v1/stats/demand?" + q + "&format=svg" }, "warmtekaart (SVG)"), ".")
    );
    return nodes;
  }

  function loadDemand(m) {
    var wrap = $("demand-wrap");
    var q = "/api/v1/stats/demand?municipality=" + encodeURIComponent(m);
    wrap.replaceChildren(el("p", null, "Laden…"));
    var svg = fetch(q + "&format=svg", { headers: { Authorization: "Bearer " + sessionStorage.getItem(KEY) } }).then(
      function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      });
    Promise.all([api("GET", q), svg, api("GET", "/api/v1/wishes?municipality=" + encodeURIComponent(m) + "&limit=100")])
      .then(function (res) {
        wrap.replaceChildren.apply(wrap, demandView(m, res[0] || {}, res[1], res[2] || {}));
      })
      .catch(function (e) {
        wrap.replaceChildren(el("p", null, "Gevraagd en aanbod kan niet geladen worden: " + e.message));
      });
  }

  /* ---------- residents' initiatives (issue 16) ---------- */

  function initiativeItem(it) {
    var li = el("li", { className: "initiative" });
    var where = (it.area_name || "Hele gemeente") + ", " + (state.areas[it.municipality] || it.municipality);
    li.appendChild(el("h3", null, it.name));
    li.appendChild(el("p", null, el("strong", null, where), " · aangemeld op " + it.created_on.split("-").reverse().join("-")));
    li.appendChild(el("p", { className: "initiative-text" }, it.description));
    li.appendChild(el("p", null, "Contact: " + [it.contact_name, it.email, it.phone].filter(Boolean).join(" · ") +
      (it.website ? " · " + it.website : "")));
    var status = el("p", { className: "status-msg", role: "status" });
    var accept = el("button", { type: "button" }, "Accepteren en uitnodigen");
    var reasonId = "ini-reason-" + it.id;
    var reason = el("textarea", { id: reasonId, rows: 2, maxLength: 1000 });
    var decline = el("button", { type: "button", className: "secondary" }, "Afwijzen");
    accept.addEventListener("click", function () {
      status.textContent = "Bezig…";
      api("POST", "/api/v1/initiatives/" + it.id + "/accept", {})
        .then(function (res) {
          var inv = res.invitation || {};
          var linkId = "ini-link-" + it.id;
          var copiedId = "ini-copied-" + it.id;
          li.replaceChildren(
            el("h3", null, it.name),
            el("p", null, el("strong", null, "Geaccepteerd."), " Stuur deze link naar " + (it.contact_name || "de initiatiefnemer") +
              ". U ziet de link maar één keer: kopieer hem nu."),
            el("p", null, el("label", { for: linkId }, "Link voor de initiatiefnemer"),
              el("input", { id: linkId, type: "text", readOnly: true, className: "wide", value: location.origin + inv.url })),
            el("p", null, el("button", { type: "button", className: "secondary", id: "ini-copy-" + it.id }, "Link kopiëren"), " ",
              el("span", { id: copiedId, role: "status" })),
            el("p", { className: "hint" }, "De link werkt tot " + dateTime(inv.expires_at) + ".")
          );
          $("ini-copy-" + it.id).addEventListener("click", function () { copyField(linkId, copiedId); });
          $(linkId).focus();
          loadOrganisations();
          loadInvitations();
        })
        .catch(function (e) {
          status.textContent = "Niet gelukt: " + e.message;
        });
    });
    decline.addEventListener("click", function () {
      if (!reason.value.trim()) {
        status.textContent = "Schrijf eerst waarom u het initiatief afwijst.";
        reason.focus();
        return;
      }
      api("POST", "/api/v1/initiatives/" + it.id + "/decline", { reason: reason.value.trim() })
        .then(function () {
          li.replaceChildren(el("h3", null, it.name), el("p", null, "Afgewezen: " + reason.value.trim()));
        })
        .catch(function (e) {
          status.textContent = "Niet gelukt: " + e.message;
        });
    });
    li.appendChild(el("p", null, accept));
    li.appendChild(el("div", { className: "field" }, el("label", { for: reasonId }, "Reden als u afwijst (de initiatiefnemer krijgt die te horen)"), reason));
    li.appendChild(el("p", null, decline));
    li.appendChild(status);
    return li;
  }

  function loadInitiatives() {
    var wrap = $("initiatives-wrap");
    wrap.replaceChildren(el("p", null, "Laden…"));
    api("GET", "/api/v1/initiatives?status=new&limit=100")
      .then(function (res) {
        var items = (res && res.items) || [];
        wrap.replaceChildren(
          items.length
            ? appendAll(el("ul", { className: "initiatives" }), items.map(initiativeItem))
            : el("p", { className: "empty" }, "Er zijn geen nieuwe initiatieven.")
        );
      })
      .catch(function (e) {
        wrap.replaceChildren(el("p", null, "De initiatieven kunnen niet geladen worden: " + e.message));
      });
  }

  /* ---------- campaigns (issue 16) ---------- */

  function dutchDate(d) {
    return d ? d.split("-").reverse().join("-") : "";
  }

  /* A campaign with its entries (from the search), "Haal eruit" per entry and a search to add more. */
  function campaignItem(c) {
    var li = el("li", { className: "campaign" });
    var status = el("p", { className: "status-msg", role: "status" });
    var list = el("ul", { className: "campaign-entries" });
    var qId = "cp-q-" + c.code;
    var q = el("input", { id: qId, type: "search", maxLength: 200 });
    var found = el("ul", { className: "campaign-found" });
    /* entries of the moderator's municipalities go into their own and into campaigns of every municipality */
    var mayCurate = c.municipality ? inScope(c.municipality) : true;
    var mayDelete = c.municipality ? inScope(c.municipality) : (state.me || {}).role === "admin";

    function entryRow(e, inCampaign) {
      var b = el("button", { type: "button", className: "secondary" }, inCampaign ? "Haal eruit" : "Zet erin");
      b.addEventListener("click", function () {
        status.textContent = "Bezig…";
        api(inCampaign ? "DELETE" : "PUT", "/api/v1/campaigns/" + encodeURIComponent(c.code) + "/entries/" + e.id)
          .then(function () {
            status.textContent = inCampaign ? "Eruit gehaald: " + e.title + "." : "Toegevoegd: " + e.title + ".";
            loadEntries();
          })
          .catch(function (err) {
            status.textContent = "Niet gelukt: " + err.message;
          });
      });
      return el("li", null, el("a", { href: "/aanbod/" + e.id }, e.title), " ", mayCurate ? b : null);
    }
    function loadEntries() {
      api("GET", "/api/v1/search?campaign=" + encodeURIComponent(c.code) + "&limit=50")
        .then(function (res) {
          var items = (res && res.items) || [];
          list.replaceChildren.apply(list, items.length ? items.map(function (e) { return entryRow(e, true); })
            : [el("li", null, "Nog geen aanbod in deze campagne.")]);
        })
        .catch(function (err) {
          list.replaceChildren(el("li", null, "Het aanbod kan niet geladen worden: " + err.message));
        });
    }
    var findForm = el("form", { className: "decide" },
      el("div", { className: "field" }, el("label", { for: qId }, "Aanbod zoeken om toe te voegen"), q),
      el("button", { type: "submit", className: "secondary" }, "Zoeken"));
    findForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var path = "/api/v1/search?limit=10&q=" + encodeURIComponent(q.value.trim()) +
        (c.municipality ? "&municipality=" + encodeURIComponent(c.municipality) : "");
      api("GET", path)
        .then(function (res) {
          var items = (res && res.items) || [];
          found.replaceChildren.apply(found, items.length ? items.map(function (e) { return entryRow(e, false); })
            : [el("li", null, "Niets gevonden.")]);
        })
        .catch(function (err) {
          found.replaceChildren(el("li", null, "Zoeken lukt niet: " + err.message));
        });
    });
    var del = el("button", { type: "button", className: "secondary" }, "Campagne verwijderen");
    del.addEventListener("click", function () {
      if (!window.confirm("Campagne “" + c.name + "” verwijderen? Het aanbod blijft, alleen de campagne gaat weg.")) return;
      api("DELETE", "/api/v1/campaigns/" + encodeURIComponent(c.code))
        .then(loadCampaigns)
        .catch(function (err) {
          status.textContent = "Niet gelukt: " + err.message;
        });
    });
    /* closed until opened: the entries are loaded then, not for every campaign at once */
    var box = el("details", null,
      el("summary", null, el("strong", null, c.name), " · " + dutchDate(c.starts_on) + " t/m " + dutchDate(c.ends_on) +
        " · " + (c.municipality ? state.areas[c.municipality] || c.municipality : "alle gemeenten") + " · " +
        c.entry_count + " aanbod"));
    box.appendChild(el("p", null, el("a", { href: c.links.page }, "Pagina van de campagne"), " · ",
      el("a", { href: c.links.calendar }, "agenda (iCalendar)")));
    if (c.summary) box.appendChild(el("p", null, c.summary));
    box.appendChild(el("h4", null, "Aanbod in deze campagne"));
    box.appendChild(list);
    if (mayCurate) {
      box.appendChild(findForm);
      box.appendChild(found);
      if (mayDelete) box.appendChild(el("p", null, del));
    }
    box.appendChild(status);
    box.addEventListener("toggle", function () {
      if (box.open && !list.childNodes.length) loadEntries();
    });
    li.appendChild(box);
    return li;
  }

  function loadCampaigns() {
    var wrap = $("campaigns-wrap");
    var sel = $("cp-municipality");
    if (!sel.options.length) {
      if ((state.me || {}).role === "admin") sel.appendChild(el("option", { value: "" }, "Alle gemeenten"));
      Object.keys(state.areas).forEach(function (code) {
        if (state.areaKind[code] === "municipality" && inScope(code)) sel.appendChild(el("option", { value: code }, state.areas[code]));
      });
    }
    wrap.replaceChildren(el("p", null, "Laden…"));
    api("GET", "/api/v1/campaigns?limit=100")
      .then(function (res) {
        var items = ((res && res.items) || []).filter(function (c) {
          return c.municipality ? inScope(c.municipality) : true;
        });
        wrap.replaceChildren(
          items.length
            ? appendAll(el("ul", { className: "campaigns" }), items.map(campaignItem))
            : el("p", { className: "empty" }, "Er zijn nu geen campagnes.")
        );
      })
      .catch(function (e) {
        wrap.replaceChildren(el("p", null, "De campagnes kunnen niet geladen worden: " + e.message));
      });
  }

  function saveCampaign(ev) {
    ev.preventDefault();
    var code = $("cp-code").value.trim();
    var body = { name: $("cp-name").value.trim(), starts_on: $("cp-starts").value, ends_on: $("cp-ends").value,
      municipality: $("cp-municipality").value || null };
    if ($("cp-summary").value.trim()) body.summary = $("cp-summary").value.trim();
    say("campaign-status", "Bezig…");
    api("PUT", "/api/v1/campaigns/" + encodeURIComponent(code), body)
      .then(function () {
        say("campaign-status", "Opgeslagen: " + body.name + ".");
        loadCampaigns();
      })
      .catch(function (e) {
        say("campaign-status", "Niet gelukt: " + e.message, true);
      });
  }

  function loadCoverage() {
    var sel = $("coverage-municipality");
    var m = sel.value;
    var wrap = $("coverage-wrap");
    if (!m) return;
    wrap.replaceChildren(el("p", null, "Laden…"));
    loadDemand(m);
    api("GET", "/api/v1/stats/coverage?municipality=" + encodeURIComponent(m))
      .then(function (cov) {
        wrap.replaceChildren.apply(wrap, coverageTable(cov || {}));
      })
      .catch(function (e) {
        wrap.replaceChildren(el("p", null, "De dekking kan niet geladen worden: " + e.message));
      });
  }

  function vocab(name, path) {
    return fetch(path)
      .then(function (r) { return r.json(); })
      .then(function (res) {
        var map = (state.vocab[name] = {});
        (res.items || []).forEach(function (t) {
          map[t.code] = t.label_nl || t.code;
        });
      })
      .catch(function () {});
  }

  /* Organisation names by id, asked once and kept for the page's life. */
  function orgNames(ids) {
    var todo = ids.filter(function (id, i) {
      return id && ids.indexOf(id) === i && !(id in state.orgs);
    });
    return Promise.all(todo.map(function (id) {
      return api("GET", "/api/v1/organisations/" + encodeURIComponent(id))
        .then(function (o) {
          state.orgs[id] = (o && o.name) || "een organisatie";
        })
        .catch(function () {
          state.orgs[id] = "een organisatie";
        });
    }));
  }

  /* Labels for themes and areas, and the municipality choice (the moderator's own first). */
  function loadLabels() {
    return Promise.all([
      fetch("/api/v1/themes").then(function (r) { return r.json(); }),
      fetch("/api/v1/areas").then(function (r) { return r.json(); }),
      vocab("audiences", "/api/v1/audiences"),
      vocab("accessibility", "/api/v1/accessibility-features"),
      vocab("support", "/api/v1/support-kinds"),
    ])
      .then(function (res) {
        (res[0].items || []).forEach(function (t) {
          state.themes[t.code] = t.label_nl || t.code;
        });
        var sel = $("coverage-municipality");
        sel.replaceChildren();
        (res[1].items || []).forEach(function (a) {
          state.areas[a.code] = a.name;
          state.areaKind[a.code] = a.kind;
          if (a.kind === "municipality") sel.appendChild(el("option", { value: a.code }, a.name));
        });
      })
      .catch(function () {
        /* labels are a nicety: codes are shown instead */
      });
  }

  /* ---------- organisations: invitations and keys ---------- */

  /* The municipalities this moderator may act in (all for an admin). */
  function inScope(code) {
    var me = state.me || {};
    if (me.role === "admin" || me.all_municipalities) return true;
    return (me.municipalities || me.scope || []).indexOf(code) >= 0;
  }

  function loadOrganisations() {
    var mun = $("invite-municipality");
    mun.replaceChildren();
    Object.keys(state.areas).forEach(function (code) {
      if (state.areaKind[code] === "municipality" && inScope(code)) mun.appendChild(el("option", { value: code }, state.areas[code]));
    });
    var gen = ++state.orgsGen; /* a slower, older load must not overwrite a newer one */
    return allOrganisations()
      .then(function (items) {
        if (gen !== state.orgsGen) return;
        var orgs = items.filter(function (o) {
          return !o.municipality || inScope(o.municipality);
        });
        orgs.sort(function (a, b) {
          return (a.name || "").localeCompare(b.name || "", "nl");
        });
        [$("invite-org"), $("keys-org")].forEach(function (sel) {
          var chosen = sel.value; /* what the moderator picked stays picked */
          sel.replaceChildren(el("option", { value: "" }, "Kies een organisatie"));
          orgs.forEach(function (o) {
            state.orgs[o.id] = o.name;
            sel.appendChild(el("option", { value: o.id }, o.name + (o.municipality ? " (" + (state.areas[o.municipality] || o.municipality) + ")" : "")));
          });
          sel.value = chosen;
          if (sel.value !== chosen) sel.value = "";
        });
      })
      .catch(function (e) {
        say("keys-status", "De organisaties kunnen niet geladen worden: " + e.message, true);
      });
  }

  /* Every organisation, page by page (at most 20 pages of 100). */
  function allOrganisations() {
    var all = [];
    function page(cursor, n) {
      return api("GET", "/api/v1/organisations?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (res) {
        all = all.concat(res.items || []);
        return res.next_cursor && n < 20 ? page(res.next_cursor, n + 1) : all;
      });
    }
    return page(null, 1);
  }

  function fieldError(id, text) {
    $(id + "-error").textContent = text || "";
    if (text) $(id).setAttribute("aria-invalid", "true");
    else $(id).removeAttribute("aria-invalid");
  }

  function invite(ev) {
    ev.preventDefault();
    var existing = $("invite-existing").checked;
    ["invite-name", "invite-org", "invite-contact", "invite-email"].forEach(function (id) {
      fieldError(id, "");
    });
    var body = {};
    var contact = $("invite-contact").value.trim();
    var email = $("invite-email").value.trim();
    var first = null;
    function need(id, text) {
      fieldError(id, text);
      first = first || id;
    }
    if (existing) {
      if (!$("invite-org").value) need("invite-org", "Kies een organisatie.");
      body.organisation_id = $("invite-org").value;
      if (contact) body.contact_name = contact;
    } else {
      if (!$("invite-name").value.trim()) need("invite-name", "Vul de naam van de organisatie in.");
      body.organisation = { name: $("invite-name").value.trim(), municipality: $("invite-municipality").value };
      if (!contact) need("invite-contact", "Vul de naam van de contactpersoon in.");
      body.contact_name = contact;
    }
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) need("invite-email", "Dit e-mailadres klopt niet. Voorbeeld: naam@voorbeeld.nl");
    if (email) body.contact_email = email;
    if (first) {
      say("invite-status", "Er ontbreekt iets. Kijk bij de velden.", true);
      $(first).focus();
      return;
    }
    say("invite-status", "Bezig…");
    api("POST", "/api/v1/invitations", body)
      .then(function (inv) {
        say("invite-status", "Uitnodiging gemaakt voor " + inv.organisation_name + ".");
        $("invite-link").value = location.origin + inv.url;
        $("invite-expires").textContent = "De link werkt tot " + dateTime(inv.expires_at) + ". Daarna maakt u een nieuwe uitnodiging.";
        $("invite-copied").textContent = "";
        $("invite-result").hidden = false;
        $("invite-result").focus();
        $("invite-form").reset();
        showInviteKind();
        loadInvitations();
        loadOrganisations();
      })
      .catch(function (e) {
        say("invite-status", "De uitnodiging is niet gemaakt: " + e.message, true);
      });
  }

  function showInviteKind() {
    var existing = $("invite-existing").checked;
    $("invite-new-fields").hidden = existing;
    $("invite-existing-fields").hidden = !existing;
  }

  function copyField(inputId, statusId) {
    var input = $(inputId);
    input.select();
    var ok = function () {
      $(statusId).textContent = "Gekopieerd.";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(ok, function () {
        $(statusId).textContent = "Kopiëren lukt niet. Selecteer de link en kopieer hem zelf.";
      });
    } else {
      try {
        document.execCommand("copy");
        ok();
      } catch (e) {
        $(statusId).textContent = "Kopiëren lukt niet. Selecteer de link en kopieer hem zelf.";
      }
    }
  }

  var INVITATION_STATUS = { open: "Nog niet gebruikt", accepted: "Gebruikt", expired: "Verlopen", revoked: "Ingetrokken" };

  function loadInvitations() {
    var body = $("invitation-table").tBodies[0];
    body.replaceChildren(el("tr", null, el("td", { colSpan: 5 }, "Laden…")));
    api("GET", "/api/v1/invitations?limit=100")
      .then(function (res) {
        body.replaceChildren();
        if (!res.items || !res.items.length) body.appendChild(el("tr", null, el("td", { colSpan: 5 }, "Er zijn nog geen uitnodigingen.")));
        (res.items || []).forEach(function (inv) {
          var action = null;
          if (inv.status === "open") {
            action = el("button", { type: "button", className: "secondary" }, "Intrekken");
            action.setAttribute("aria-label", "Uitnodiging intrekken: " + inv.organisation_name);
            action.addEventListener("click", function () {
              action.disabled = true;
              api("DELETE", "/api/v1/invitations/" + inv.id)
                .then(function () {
                  say("console-status", "De uitnodiging voor " + inv.organisation_name + " is ingetrokken. De link werkt niet meer.");
                  loadInvitations();
                })
                .catch(function (e) {
                  action.disabled = false;
                  say("console-status", "Intrekken lukt niet: " + e.message, true);
                });
            });
          }
          body.appendChild(
            el("tr", null,
              el("td", { "data-label": "Organisatie" }, inv.organisation_name || "–"),
              el("td", { "data-label": "Contactpersoon" }, inv.contact_name || "–"),
              el("td", { "data-label": "Stand" }, INVITATION_STATUS[inv.status] || CODE[inv.status] || inv.status),
              el("td", { "data-label": "Geldig tot" }, date(inv.expires_at)),
              el("td", { className: "actions-cell" }, action))
          );
        });
      })
      .catch(function (e) {
        body.replaceChildren(el("tr", null, el("td", { colSpan: 5 }, "De uitnodigingen kunnen niet geladen worden: " + e.message)));
      });
  }

  function showNewKey(key) {
    $("keys-new-value").value = key;
    $("keys-new").hidden = false;
    $("keys-new").focus();
  }

  function loadKeys() {
    var org = $("keys-org").value;
    var wrap = $("keys-wrap");
    $("keys-new").hidden = true;
    if (!org) {
      say("keys-status", "Kies eerst een organisatie.", true);
      return;
    }
    say("keys-status", "");
    wrap.replaceChildren(el("p", null, "Laden…"));
    var base = "/api/v1/organisations/" + encodeURIComponent(org) + "/keys";
    api("GET", base)
      .then(function (res) {
        var name = state.orgs[org] || "deze organisatie";
        var rows = (res.items || []).map(function (k) {
          var cell = el("td");
          if (!k.revoked_at) {
            var rotate = el("button", { type: "button", className: "secondary" }, "Vervangen");
            rotate.setAttribute("aria-label", "Sleutel " + (k.label || "") + " vervangen door een nieuwe");
            var revoke = el("button", { type: "button", className: "danger" }, "Intrekken");
            revoke.setAttribute("aria-label", "Sleutel " + (k.label || "") + " intrekken");
            rotate.addEventListener("click", function () {
              rotate.disabled = revoke.disabled = true;
              api("POST", base + "/" + k.id + "/rotate", {})
                .then(function (nk) {
                  loadKeys();
                  say("keys-status", "De oude sleutel werkt niet meer. Hieronder staat de nieuwe.");
                  showNewKey(nk.key);
                })
                .catch(function (e) {
                  rotate.disabled = revoke.disabled = false;
                  say("keys-status", "Vervangen lukt niet: " + e.message, true);
                });
            });
            revoke.addEventListener("click", function () {
              rotate.disabled = revoke.disabled = true;
              api("DELETE", base + "/" + k.id)
                .then(function () {
                  loadKeys();
                  say("keys-status", "De sleutel is ingetrokken. Wie hem gebruikte, is uitgelogd.");
                })
                .catch(function (e) {
                  rotate.disabled = revoke.disabled = false;
                  say("keys-status", "Intrekken lukt niet: " + e.message, true);
                });
            });
            cell.appendChild(rotate);
            cell.appendChild(document.createTextNode(" "));
            cell.appendChild(revoke);
          }
          cell.className = "actions-cell";
          return el("tr", null,
            el("td", { "data-label": "Naam" }, k.label || "(zonder naam)"),
            el("td", { "data-label": "Gemaakt op" }, date(k.created_at)),
            el("td", { "data-label": "Stand" }, k.revoked_at ? "Ingetrokken op " + date(k.revoked_at) : k.expires_at ? "Werkt tot " + date(k.expires_at) : "Werkt"),
            cell);
        });
        if (!rows.length) rows.push(el("tr", null, el("td", { colSpan: 4 }, "Deze organisatie heeft nog geen sleutel.")));
        var make = el("button", { type: "button" }, "Nieuwe sleutel maken");
        make.addEventListener("click", function () {
          make.disabled = true;
          api("POST", base, { label: "Gemaakt door moderator" })
            .then(function (nk) {
              loadKeys();
              say("keys-status", "Er is een nieuwe sleutel gemaakt voor " + name + ".");
              showNewKey(nk.key);
            })
            .catch(function (e) {
              make.disabled = false;
              say("keys-status", "Een nieuwe sleutel maken lukt niet: " + e.message, true);
            });
        });
        wrap.replaceChildren(
          el("div", { className: "table-scroll", tabIndex: 0, role: "region", "aria-label": "Sleutels van " + name },
            el("table", { className: "list-table", id: "keys-table" },
              el("caption", null, "Sleutels van " + name),
              el("thead", null, el("tr", null, el("th", { scope: "col" }, "Naam"), el("th", { scope: "col" }, "Gemaakt op"),
                el("th", { scope: "col" }, "Stand"), el("th", { scope: "col" }, el("span", { className: "visually-hidden" }, "Acties")))),
              appendAll(el("tbody"), rows))),
          el("p", null, make));
      })
      .catch(function (e) {
        wrap.replaceChildren(el("p", null, "De sleutels kunnen niet geladen worden: " + e.message));
      });
  }

  function init() {
    $("invite-form").addEventListener("submit", invite);
    $("invite-new").addEventListener("change", showInviteKind);
    $("invite-existing").addEventListener("change", showInviteKind);
    $("invite-copy").addEventListener("click", function () {
      copyField("invite-link", "invite-copied");
    });
    $("keys-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      loadKeys();
    });
    var form = $("login-form");
    $("logout").addEventListener("click", logout);
    $("coverage-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      loadCoverage();
    });
    $("campaign-form").addEventListener("submit", saveCampaign);
    var labels = loadLabels();
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var key = $("api-key").value.trim();
      if (!key) return;
      say("login-status", "Bezig met inloggen…");
      labels
        .then(function () {
          return login(key);
        })
        .then(function () {
          say("login-status", "");
          var scope = state.me.municipalities || state.me.scope || [];
          if (scope.length) $("coverage-municipality").value = scope[0];
          enter();
        })
        .catch(function (e) {
          say("login-status", e.status === 401 ? "Deze sleutel klopt niet." : e.message, true);
        });
    });
    if (sessionStorage.getItem(KEY)) {
      labels
        .then(function () {
          return login(sessionStorage.getItem(KEY));
        })
        .then(enter)
        .catch(function () {
          sessionStorage.removeItem(KEY);
        });
    }
  }

  if (document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
