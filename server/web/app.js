/* Sociale kaart — progressive enhancement of the residents' pages.
 *
 * The server renders every page completely (it works without JavaScript).
 * This script only makes it nicer: results update without reloading the page
 * (the server's own HTML is fetched and swapped in, so there is one renderer),
 * the URL keeps the search (shareable, back button works), the map is drawn
 * with Leaflet, and "Meld een fout" is sent without leaving the page.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var PDOK = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";

  /* ---------- search page ---------- */

  function formQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value !== "") params.append(key, value);
    });
    return params.toString();
  }

  function announce(text) {
    var status = document.getElementById("zoek-status");
    if (status) status.textContent = text;
  }

  var pending = null;

  /* Fetch the server-rendered page for this query and swap the filters and the results. */
  function load(query, push) {
    if (pending) pending.abort();
    var ctrl = typeof AbortController === "function" ? new AbortController() : null;
    pending = ctrl;
    document.body.classList.add("is-loading");
    return fetch("/" + (query ? "?" + query : ""), {
      headers: { Accept: "text/html" },
      signal: ctrl ? ctrl.signal : undefined,
    })
      .then(function (res) {
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swap(doc);
        if (push) history.pushState({ q: query }, "", "/" + (query ? "?" + query : ""));
        document.title = doc.title;
        var head = document.getElementById("resultaten-kop");
        announce(head ? head.textContent : "");
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        announce("Het zoeken lukt nu niet. Probeer het opnieuw.");
      })
      .then(function () {
        if (pending === ctrl) {
          pending = null;
          document.body.classList.remove("is-loading");
        }
      });
  }

  /* Replace the results and the filter counts; keep the focus where the user is. */
  function swap(doc) {
    var active = document.activeElement;
    var activeId = active && active.id;
    var count = document.querySelector(".filters > summary");
    var newCount = doc.querySelector(".filters > summary");
    if (count && newCount) {
      count.replaceChildren.apply(count, Array.prototype.map.call(newCount.childNodes, function (n) {
        return document.importNode(n, true);
      }));
    }
    var grid = document.querySelector(".filter-grid");
    var newGrid = doc.querySelector(".filter-grid");
    if (grid && newGrid) grid.replaceWith(document.importNode(newGrid, true));
    var old = document.getElementById("resultaten") || document.querySelector(".notice");
    var fresh = doc.getElementById("resultaten") || doc.querySelector(".notice");
    if (old && fresh) old.replaceWith(document.importNode(fresh, true));
    if (activeId && document.getElementById(activeId) && document.activeElement !== document.getElementById(activeId)) {
      document.getElementById(activeId).focus();
    }
    setupPrint();
    setupResultsMap();
  }

  function setupSearch() {
    var form = document.getElementById("zoeken");
    if (!form) return;
    /* On a phone the filters fold away, so the results are in view; "Filters (2 gekozen)" stays. */
    var details = form.querySelector("details.filters");
    if (details && window.matchMedia && window.matchMedia("(max-width: 40rem)").matches && document.getElementById("resultaten")) {
      details.open = false;
    }
    if (!window.fetch || !window.history || !window.DOMParser) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      load(formQuery(form), true);
    });
    /* Filters apply at once; the text field when the user pauses typing. */
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name && ev.target.name !== "q") load(formQuery(form), true);
    });
    var timer = null;
    var q = document.getElementById("f-q");
    if (q) {
      q.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          load(formQuery(form), true);
        }, 450);
      });
    }
    window.addEventListener("popstate", function () {
      var query = location.search.replace(/^\?/, "");
      restoreForm(form, query);
      load(query, false);
    });
  }

  /* Put the form back in the state of an earlier URL (back button). */
  function restoreForm(form, query) {
    var params = new URLSearchParams(query);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      var values = params.getAll(el.name);
      if (el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else if (el.type === "radio") el.checked = values.length ? values.indexOf(el.value) >= 0 : el.value === "";
      else if (el.tagName === "SELECT" || el.type === "search") el.value = values[0] || "";
    });
  }

  function setupPrint() {
    var btn = document.querySelector(".print-button");
    if (!btn || btn.dataset.ready) return;
    btn.hidden = false;
    btn.dataset.ready = "1";
    btn.addEventListener("click", function () {
      /* The whole list on paper: fetch up to 100 results first when there are more pages. */
      var form = document.getElementById("zoeken");
      if (document.querySelector(".pager") && form) {
        var q = formQuery(form);
        load((q ? q + "&" : "") + "limit=100", false).then(function () {
          window.print();
        });
      } else {
        window.print();
      }
    });
  }

  /* ---------- detail page: map ---------- */

  /* Leaflet puts a string tooltip through innerHTML; an element with textContent cannot carry markup. */
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function mapFailed(el) {
    el.classList.add("map-failed");
    el.removeAttribute("role");
    el.textContent = "De kaart kan nu niet laden. Het adres staat hierboven.";
  }

  function loadLeaflet(done, fail) {
    if (window.L) return done();
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/static/leaflet.css";
    document.head.appendChild(css);
    var s = document.createElement("script");
    s.src = "/static/leaflet.js";
    s.onload = done;
    s.onerror = fail;
    document.head.appendChild(s);
  }

  function setupMap() {
    var el = document.getElementById("kaart");
    if (!el) return;
    var lat = parseFloat(el.dataset.lat);
    var lon = parseFloat(el.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) return mapFailed(el);
    loadLeaflet(
      function () {
        var L = window.L;
        var map = L.map(el, { scrollWheelZoom: false, attributionControl: true }).setView([lat, lon], 16);
        map.attributionControl.setPrefix("");
        var loaded = 0;
        var failed = 0;
        var tiles = L.tileLayer(PDOK, {
          minZoom: 6,
          maxZoom: 19,
          attribution: 'Kaart: <a href="https://www.pdok.nl/">PDOK</a> BRT Achtergrondkaart',
        });
        tiles.on("tileload", function () {
          loaded++;
        });
        tiles.on("tileerror", function () {
          failed++;
          if (loaded === 0 && failed >= 4) {
            map.remove();
            mapFailed(el);
          }
        });
        tiles.addTo(map);
        L.circleMarker([lat, lon], { radius: 10, color: "#0b4f8a", weight: 3, fillColor: "#ffbf47", fillOpacity: 1 })
          .addTo(map)
          .bindTooltip(textNode(el.dataset.label || ""));
        /* Offline: no tile at all after a while. */
        setTimeout(function () {
          if (loaded === 0 && el.querySelector(".leaflet-tile-container")) {
            map.remove();
            mapFailed(el);
          }
        }, 8000);
      },
      function () {
        mapFailed(el);
      }
    );
  }

  /* ---------- search page: map of the results ---------- */

  /* The results on a map: the cards the server rendered carry their point (data-lat, data-lon), so the
   * map shows exactly the list's results (same filters, same page, at most one page of markers). The
   * list stays the default and the accessible equivalent; "Lijst | Kaart" only exists with JavaScript. */
  var view = "list";
  var resultsMap = null;

  function loadScript(src, done, fail) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    s.onerror = fail;
    document.head.appendChild(s);
  }

  function loadCluster(done, fail) {
    loadLeaflet(function () {
      if (window.L.MarkerClusterGroup) return done();
      ["/static/MarkerCluster.css", "/static/MarkerCluster.Default.css"].forEach(function (href) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = href;
        document.head.appendChild(css);
      });
      loadScript("/static/leaflet.markercluster.js", done, fail);
    }, fail);
  }

  function pointsOf(results) {
    return Array.prototype.filter.call(results.querySelectorAll(".cards > li[data-lat]"), function (li) {
      return isFinite(parseFloat(li.dataset.lat)) && isFinite(parseFloat(li.dataset.lon));
    });
  }

  function drawResultsMap(box, cards) {
    loadCluster(
      function () {
        var L = window.L;
        if (resultsMap) resultsMap.remove();
        box.replaceChildren();
        var map = (resultsMap = L.map(box, { scrollWheelZoom: false, zoomControl: false }));
        map.attributionControl.setPrefix("");
        L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
        map.on("popupopen", function (ev) {
          var close = ev.popup.getElement() && ev.popup.getElement().querySelector(".leaflet-popup-close-button");
          if (close) close.setAttribute("aria-label", "Sluiten");
        });
        var loaded = 0;
        var tiles = L.tileLayer(PDOK, {
          minZoom: 6,
          maxZoom: 19,
          attribution: 'Kaart: <a href="https://www.pdok.nl/">PDOK</a> BRT Achtergrondkaart',
        });
        tiles.on("tileload", function () {
          loaded++;
          box.classList.remove("map-notiles");
        });
        tiles.on("tileerror", function () {
          /* Without tiles the markers stay, on the plain background. */
          if (loaded === 0) box.classList.add("map-notiles");
        });
        tiles.addTo(map);
        var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
        var bounds = [];
        cards.forEach(function (li) {
          var a = li.querySelector("h3 a");
          if (!a) return;
          var ll = [parseFloat(li.dataset.lat), parseFloat(li.dataset.lon)];
          bounds.push(ll);
          var link = document.createElement("a");
          link.href = a.getAttribute("href");
          link.textContent = a.textContent;
          var kind = li.querySelector(".kind");
          var popup = document.createElement("div");
          if (kind) popup.appendChild(textNode(kind.textContent));
          popup.appendChild(document.createElement("br"));
          popup.appendChild(link);
          /* A CSS pin (no image files); a marker is a focusable button for the keyboard. */
          var m = L.marker(ll, {
            title: a.textContent,
            keyboard: true,
            icon: L.divIcon({ className: "result-pin", iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] }),
          });
          m.bindPopup(popup);
          group.addLayer(m);
        });
        map.addLayer(group);
        if (bounds.length === 1) map.setView(bounds[0], 15);
        else map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
      },
      function () {
        box.classList.add("map-failed");
        box.textContent = "De kaart kan nu niet laden. Gebruik de lijst.";
      }
    );
  }

  function showView(results, which) {
    view = which;
    var list = results.querySelector(".cards");
    var box = results.querySelector(".results-map");
    var buttons = results.querySelectorAll(".view-toggle button");
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === which));
    });
    if (list) list.hidden = which === "map";
    if (box) box.hidden = which !== "map";
    if (which === "map" && box) drawResultsMap(box, pointsOf(results));
    if (which !== "map" && resultsMap) {
      resultsMap.remove();
      resultsMap = null;
    }
  }

  function setupResultsMap() {
    var results = document.getElementById("resultaten");
    if (resultsMap) {
      resultsMap.remove();
      resultsMap = null;
    }
    if (!results || results.querySelector(".view-toggle")) return;
    var cards = pointsOf(results);
    if (!cards.length) return;
    var total = results.querySelectorAll(".cards > li").length;
    var toggle = document.createElement("div");
    toggle.className = "view-toggle";
    toggle.setAttribute("role", "group");
    toggle.setAttribute("aria-label", "Bekijk de resultaten als");
    ["list", "map"].forEach(function (which) {
      var b = document.createElement("button");
      b.type = "button";
      b.dataset.view = which;
      b.textContent = which === "list" ? "Lijst" : "Kaart";
      b.setAttribute("aria-pressed", String(which === "list"));
      b.addEventListener("click", function () {
        showView(results, which);
      });
      toggle.appendChild(b);
    });
    var head = results.querySelector(".results-head");
    head.appendChild(toggle);
    var note = document.createElement("p");
    note.className = "map-note";
    note.id = "kaart-uitleg";
    note.textContent = cards.length === total
      ? "De kaart toont de resultaten van deze lijst."
      : "De kaart toont " + cards.length + " van de " + total + " resultaten van deze lijst. De andere hebben geen adres op de kaart.";
    var box = document.createElement("div");
    box.className = "map results-map";
    box.id = "resultaten-kaart";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Kaart van de resultaten");
    box.setAttribute("aria-describedby", "kaart-uitleg");
    box.hidden = true;
    var list = results.querySelector(".cards");
    list.parentNode.insertBefore(box, list);
    box.parentNode.insertBefore(note, box);
    note.hidden = true;
    toggle.addEventListener("click", function () {
      note.hidden = view !== "map";
    });
    if (view === "map") {
      note.hidden = false;
      showView(results, "map");
    }
  }

  /* ---------- detail page: report a fault ---------- */

  function setupReport() {
    var form = document.querySelector(".report-form");
    if (!form) return;
    var status = form.querySelector(".report-status");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var reason = form.querySelector("input[name=reason]:checked");
      var message = form.querySelector("textarea[name=message]").value.trim();
      var body = { reason: reason ? reason.value : "other" };
      if (message) body.message = message;
      status.classList.remove("is-error");
      status.textContent = "Bezig met versturen…";
      fetch(form.getAttribute("action"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      })
        .then(function (res) {
          if (res.ok) {
            status.textContent = "Bedankt! Uw melding is verstuurd. Een medewerker van de gemeente kijkt ernaar.";
            form.reset();
          } else if (res.status === 429) {
            throw new Error("U heeft net al iets gemeld. Probeer het later nog eens.");
          } else {
            throw new Error("Het versturen is niet gelukt. Probeer het later nog eens.");
          }
        })
        .catch(function (err) {
          status.classList.add("is-error");
          status.textContent = err && err.message && err.message.indexOf("Probeer") >= 0
            ? err.message
            : "Het versturen is niet gelukt. Controleer uw internet en probeer het opnieuw.";
        });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    setupSearch();
    setupPrint();
    setupResultsMap();
    setupMap();
    setupReport();
  });
})();
