/*
 * Draws an area's outline on a Leaflet map. The page says everything in text
 * without it: the map container stays hidden unless this script runs.
 *
 * Reads from the container's data- attributes: outlineId (the id of a
 * json_script element holding GeoJSON), tileUrl, tileAttribution (HTML,
 * sanitised by the server) and boundaryAttribution (plain text).
 */
(function () {
  "use strict";

  var OUTLINE_STYLE = { color: "#0b5563", weight: 3, fillColor: "#0b5563", fillOpacity: 0.12 };

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawAreaMap(container) {
    var source = document.getElementById(container.dataset.outlineId);
    if (!source || typeof window.L === "undefined") {
      return;
    }
    var outline = JSON.parse(source.textContent);
    var isCollection = outline.type === "FeatureCollection";

    // Shown before Leaflet measures it; hidden it has no size.
    container.hidden = false;
    var map = L.map(container, {
      // Scrolling the page should not zoom the map, and on a phone one
      // finger should scroll the page (two fingers still zoom the map).
      scrollWheelZoom: false,
      dragging: !L.Browser.mobile
    });
    L.tileLayer(container.dataset.tileUrl, {
      maxZoom: 19,
      attribution: container.dataset.tileAttribution
    }).addTo(map);
    // Leaflet joins attributions with commas: drop the sentence's final stop.
    var boundaryAttribution = (container.dataset.boundaryAttribution || "").replace(/\.\s*$/, "");
    map.attributionControl.addAttribution(escapeHtml(boundaryAttribution));

    var layer = L.geoJSON(outline, {
      style: OUTLINE_STYLE,
      onEachFeature: function (feature, featureLayer) {
        var properties = feature.properties || {};
        if (!isCollection || !properties.name) {
          return;
        }
        // A region: name each authority and open its page on click (the
        // same links are in the list under the map, for keyboards).
        featureLayer.bindTooltip(label(properties.name), { sticky: true });
        if (properties.url) {
          featureLayer.on("click", function () {
            window.location.assign(properties.url);
          });
        }
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  }

  function init() {
    var containers = document.querySelectorAll(".map[data-outline-id]");
    for (var i = 0; i < containers.length; i++) {
      drawAreaMap(containers[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
