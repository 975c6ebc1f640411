/*
 * Profile map: progressive enhancement of the site addresses shown as text.
 * Reads the JSON the page embeds (#site-map-data), draws the district boundaries and
 * one marker per site; adds a tile layer only when the operator configured one
 * (MAP_TILE_URL), so by default the browser contacts no third party.
 */
(function () {
  "use strict";

  // Leaflet finds its marker images through its stylesheet's name, which carries a hash
  // in production (collectstatic): name their folder from where this script was served.
  var script = document.currentScript;
  var staticRoot = script ? script.src.replace(/js\/site-map[^/]*\.js(\?.*)?$/, "") : "";

  function init() {
    var container = document.getElementById("site-map");
    var source = document.getElementById("site-map-data");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    container.hidden = false;

    var map = window.L.map(container, {
      scrollWheelZoom: false,
      attributionControl: true,
      zoomSnap: 0.25
    });
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com">Leaflet</a>'
    );

    if (data.tiles && data.tiles.url) {
      window.L.tileLayer(data.tiles.url, {
        attribution: data.tiles.attribution || "",
        maxZoom: 18
      }).addTo(map);
    }

    var bounds = window.L.latLngBounds([]);
    (data.boundaries || []).forEach(function (boundary) {
      var layer = window.L.geoJSON(boundary.geometry, {
        interactive: false,
        attribution: data.boundary_attribution || "",
        style: {
          color: "#00549f",
          weight: 2,
          fillColor: "#00549f",
          fillOpacity: 0.08
        }
      }).addTo(map);
      bounds.extend(layer.getBounds());
    });

    if (staticRoot && window.L.Icon && window.L.Icon.Default) {
      window.L.Icon.Default.imagePath = staticRoot + "vendor/leaflet/images/";
    }
    var markers = [];
    (data.markers || []).forEach(function (site) {
      var marker = window.L.marker([site.lat, site.lon], {
        title: site.label,
        alt: site.label,
        keyboard: true
      }).addTo(map);
      marker.bindPopup(document.createTextNode(site.label));
      markers.push(marker);
      bounds.extend(marker.getLatLng());
    });

    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
    } else {
      map.setView([50.9, 11.0], 8);
    }
    container.setAttribute("data-map-ready", String(markers.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
