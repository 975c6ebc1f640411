/*
 * Search page enhancements (the page works without them):
 * - autocomplete: keyboard access to the suggestions htmx fills in;
 * - map: the results of the current search, as single markers or as the server's
 *   precomputed clusters, refreshed when the map moves or the results change.
 *   District boundaries are drawn from the portal itself, so the map works with no
 *   tile server; tiles are added only when the operator configured MAP_TILE_URL.
 */
(function () {
  "use strict";

  function setupAutocomplete() {
    var input = document.getElementById("id_q");
    var list = document.getElementById("search-suggestions");
    var form = document.getElementById("search-form");
    if (!input || !list || !form) { return; }
    // Every keystroke starts a new generation; closing the list (submit, Escape, focus
    // leaving) ends the current one. An answer that belongs to an ended generation
    // arrives too late: it is dropped, so it can neither reopen the list nor reach
    // the address bar (the suggestions never push a URL).
    var typed = 0;
    var closedAt = 0;
    function close() {
      closedAt = typed;
      list.innerHTML = "";
    }
    function stale() {
      return closedAt === typed || (document.activeElement !== input && !list.contains(document.activeElement));
    }
    input.addEventListener("input", function () { typed += 1; });
    input.addEventListener("htmx:beforeRequest", function (event) {
      if (stale()) { event.preventDefault(); return; }
      event.detail.xhr.suggestionGeneration = typed;
    });
    list.addEventListener("htmx:beforeSwap", function (event) {
      var generation = event.detail.xhr.suggestionGeneration;
      if (generation === undefined || generation <= closedAt || stale()) {
        event.detail.shouldSwap = false;
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        // Escape closes the list and clears the box (Chromium clears a search box
        // by itself; other browsers do the same through this).
        event.preventDefault();
        close();
        input.value = "";
      }
      if (event.key === "Enter") { close(); }
      if (event.key === "ArrowDown" && list.children.length) {
        event.preventDefault();
        list.querySelector("a").focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(list.querySelectorAll("a"));
      var index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < items.length - 1) { event.preventDefault(); items[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? items[index - 1] : input).focus(); }
      if (event.key === "Escape") { event.preventDefault(); close(); input.focus(); }
    });
    // A click on a suggestion must not close the list before the link is followed.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    function closeWhenFocusLeaves(event) {
      var next = event.relatedTarget;
      if (next !== input && !(next && list.contains(next))) { close(); }
    }
    input.addEventListener("focusout", closeWhenFocusLeaves);
    list.addEventListener("focusout", closeWhenFocusLeaves);
    form.addEventListener("submit", close);
  }

  // New results in place (a facet, a page, the form): after a facet or page link, focus
  // goes to the results' heading (it names the count), not back to the page's start;
  // changes made in the form keep focus there and are announced instead. Wide screens
  // show the filters open where CSS cannot open the folded panel by itself.
  function setupResults() {
    var wide = window.matchMedia ? window.matchMedia("(min-width: 50.01rem)") : null;
    var cssOpens = window.CSS && window.CSS.supports && window.CSS.supports("selector(::details-content)");
    var announcer = document.getElementById("results-announcement");
    var focusHeading = false;
    function openOnWide() {
      var panel = document.querySelector(".facet-panel");
      if (panel && !cssOpens && wide && wide.matches) { panel.open = true; }
    }
    function isResults(event) { return event.detail.target && event.detail.target.id === "search-results"; }
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (!isResults(event)) { return; }
      var elt = event.detail.elt;
      focusHeading = Boolean(elt && elt.closest && elt.closest(".facets, .pagination"));
    });
    document.body.addEventListener("htmx:afterSwap", function (event) { if (isResults(event)) { openOnWide(); } });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (!isResults(event)) { return; }
      var heading = document.getElementById("results-heading");
      if (!heading) { return; }
      if (focusHeading) {
        heading.focus();
      } else if (announcer) {
        announcer.textContent = heading.textContent.replace(/\s+/g, " ").trim();
      }
      focusHeading = false;
    });
    if (wide && wide.addEventListener) { wide.addEventListener("change", openOnWide); }
    openOnWide();
  }

  function setupMap() {
    var configNode = document.getElementById("search-map-config");
    if (!configNode || typeof window.L === "undefined") { return; }
    var config = JSON.parse(configNode.textContent);
    var map = null;
    var layer = null;
    var pending = null;
    var status = null;

    function container() { return document.getElementById("search-map"); }

    var circleLayer = null;
    var circleKey = "";
    var districtBounds = null;
    var placeLayer = null;
    var places = null;
    var measure = null;
    // From which zoom each rank of place is labelled (1 cities, 2 towns, 3 the rest).
    var PLACE_MIN_ZOOM = { 1: 0, 2: 8, 3: 10 };

    function create() {
      var node = container();
      if (!node) { return; }
      node.hidden = false;
      status = document.getElementById("map-status");
      // Half zoom steps let the state and a circle fill the narrow map; the zoom buttons
      // still take whole steps, and the server counts clusters for the whole zoom below.
      map = window.L.map(node, { scrollWheelZoom: false, zoomSnap: 0.5, zoomDelta: 1 });
      map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
      var offline = !(config.tiles && config.tiles.url);
      if (!offline) {
        window.L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution || "", maxZoom: 18 }).addTo(map);
      }
      // Districts, then place names, then the results (overlay pane, 400) on top; the
      // names are scenery to assistive technology.
      map.createPane("districts").style.zIndex = "300";
      var pane = map.createPane("places");
      pane.style.zIndex = "350";
      pane.setAttribute("aria-hidden", "true");
      placeLayer = window.L.layerGroup().addTo(map);
      circleLayer = window.L.layerGroup().addTo(map);
      layer = window.L.layerGroup().addTo(map);
      map.on("moveend", function () { drawPlaces(); refresh(); });
      map.setView([50.9, 11.0], 8);
      if (status) { status.textContent = ""; }
      syncCircle();
      fetch(config.boundaries).then(function (r) { return r.json(); }).then(function (data) {
        var districts = window.L.geoJSON(data, {
          pane: "districts",
          interactive: false,
          attribution: config.boundary_attribution || "",
          style: { color: "#00549f", weight: 1, opacity: 0.7, fillColor: "#ffffff", fillOpacity: offline ? 0.6 : 0.04 }
        }).addTo(map);
        if (districts.getBounds().isValid()) {
          districtBounds = districts.getBounds();
          if (!circleKey) { map.fitBounds(districtBounds); }
        }
      });
      var placesUrl = node.getAttribute("data-places");
      if (offline && placesUrl) {
        fetch(placesUrl).then(function (r) { return r.json(); }).then(function (data) {
          var columns = data.columns;
          places = data.rows.map(function (row) {
            var place = {};
            columns.forEach(function (name, i) { place[name] = row[i]; });
            return place;
          });
          if (data.attribution && data.attribution !== config.boundary_attribution) {
            map.attributionControl.addAttribution(data.attribution);
          }
          drawPlaces();
        });
      }
    }

    // The circle of a radius search (or the point of a distance sort): drawn, and the
    // view fitted to it whenever it changes; without one the view returns to the state.
    function searchCircle() {
      var node = document.getElementById("search-results");
      var centre = node && node.getAttribute("data-centre");
      if (!centre) { return null; }
      var parts = centre.split(",").map(Number);
      return { lat: parts[0], lon: parts[1], km: Number(node.getAttribute("data-radius-km") || 0) };
    }

    function syncCircle() {
      var wanted = searchCircle();
      var key = wanted ? [wanted.lat, wanted.lon, wanted.km].join(",") : "";
      if (key === circleKey) { return; }
      circleKey = key;
      circleLayer.clearLayers();
      var node = container();
      if (node) { node.setAttribute("data-circle", key); }
      if (!wanted) {
        if (districtBounds) { map.fitBounds(districtBounds); }
        return;
      }
      var centre = window.L.latLng(wanted.lat, wanted.lon);
      window.L.circleMarker(centre, {
        radius: 5, color: "#b00020", weight: 2, fillColor: "#ffffff", fillOpacity: 1, interactive: false, className: "search-centre"
      }).addTo(circleLayer);
      if (wanted.km > 0) {
        var ring = window.L.circle(centre, {
          radius: wanted.km * 1000, color: "#b00020", weight: 2, dashArray: "6 4", fillOpacity: 0.04, interactive: false, className: "search-circle"
        }).addTo(circleLayer);
        map.fitBounds(ring.getBounds(), { padding: [6, 6] });
      } else {
        map.setView(centre, Math.max(map.getZoom(), 10));
      }
    }

    function textWidth(text, rank) {
      if (!measure) { measure = document.createElement("canvas").getContext("2d"); }
      measure.font = (rank === 1 ? "700 13px " : rank === 2 ? "600 12px " : "11px ") + window.getComputedStyle(document.body).fontFamily;
      return measure.measureText(text).width;
    }

    // Labels most important first; one that would overlap a label already placed is left out.
    function drawPlaces() {
      if (!places || !map) { return; }
      placeLayer.clearLayers();
      var zoom = map.getZoom();
      var view = map.getBounds().pad(0.05);
      var taken = [];
      var shown = 0;
      places.forEach(function (place) {
        if (zoom < PLACE_MIN_ZOOM[place.rank]) { return; }
        var at = window.L.latLng(place.lat, place.lon);
        if (!view.contains(at)) { return; }
        var p = map.latLngToLayerPoint(at);
        var height = place.rank === 1 ? 18 : 16;
        // The dot and its gap come first (at most 15 px), a little air around the text.
        var box = [p.x - 6, p.y - height / 2 - 2, p.x + 14 + textWidth(place.name, place.rank), p.y + height / 2 + 2];
        for (var i = 0; i < taken.length; i += 1) {
          var t = taken[i];
          if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) { return; }
        }
        taken.push(box);
        var label = document.createElement("span");
        label.className = "map-place-name";
        label.textContent = place.name;
        window.L.marker(at, {
          pane: "places",
          interactive: false,
          keyboard: false,
          icon: window.L.divIcon({ className: "map-place map-place-" + place.rank, html: label, iconSize: null, iconAnchor: [4, height / 2] })
        }).addTo(placeLayer);
        shown += 1;
      });
      var node = container();
      if (node) {
        node.setAttribute("data-places-shown", String(shown));
        node.setAttribute("data-zoom", String(zoom));
      }
    }

    function refresh() {
      if (!map) { return; }
      var b = map.getBounds();
      var params = new URLSearchParams(window.location.search);
      params.delete("page");
      params.set("bbox", [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(5); }).join(","));
      params.set("zoom", String(Math.floor(map.getZoom())));
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(config.clusters + "?" + params.toString(), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(draw)
        .catch(function (error) { if (error.name !== "AbortError" && status) { status.textContent = String(error); } });
    }

    function draw(data) {
      layer.clearLayers();
      data.features.forEach(function (f) {
        var lat = f.geometry.coordinates[1];
        var lon = f.geometry.coordinates[0];
        var p = f.properties;
        if (p.id) {
          var marker = window.L.circleMarker([lat, lon], { radius: 6, color: "#00549f", weight: 2, fillOpacity: 0.8 });
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          marker.bindPopup(link);
          marker.addTo(layer);
        } else {
          // The count with the page language's digit grouping; the bubble wide enough
          // for it (tens of thousands at a state's zoom in a large directory).
          var label = p.count.toLocaleString(document.documentElement.lang || undefined);
          var size = Math.max(Math.min(48, 18 + Math.log(p.count) * 4), 14 + label.length * 7.5);
          var icon = window.L.divIcon({
            className: "map-cluster",
            html: "<span>" + label + "</span>",
            iconSize: [size, size]
          });
          window.L.marker([lat, lon], { icon: icon, keyboard: false, title: label })
            .on("click", function () { map.setView([lat, lon], Math.min(map.getZoom() + 2, 18)); })
            .addTo(layer);
        }
      });
      var node = container();
      if (node) { node.setAttribute("data-map-ready", String(data.features.length)); node.setAttribute("data-clustered", String(data.clustered)); }
      if (status) {
        status.textContent = data.clustered ? status.getAttribute("data-clustered-text") : status.getAttribute("data-points-text");
      }
    }

    create();
    // New results (htmx swapped them and pushed the URL): the circle and markers follow.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target && event.detail.target.id === "search-results") { syncCircle(); refresh(); }
    });
    window.addEventListener("popstate", function () { window.setTimeout(function () { syncCircle(); refresh(); }, 50); });
  }

  function init() { setupAutocomplete(); setupResults(); setupMap(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
