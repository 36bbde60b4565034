/*
 * The small map on an entry's page: its places as dots on a Leaflet map.
 * The list of places under it says the same in text, so without this script
 * (or without Leaflet) the map's container simply stays hidden.
 *
 * Keyboard: the map is one stop in the tab order (arrow keys pan, + and -
 * zoom, as Leaflet gives), then Tab moves on; nothing inside traps focus.
 *
 * Reads from the container's data- attributes: placesId (the id of a
 * json_script element holding [{name, area, lat, lon}]), tileUrl and
 * tileAttribution (HTML, sanitised by the server).
 */
(function () {
  "use strict";

  var DOT_STYLE = {
    radius: 9, color: "#ffffff", weight: 3, fillColor: "#b3441f", fillOpacity: 1
  };
  var ONE_PLACE_ZOOM = 13;
  var MAX_FIT_ZOOM = 14;

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawEntryMap(container) {
    var source = document.getElementById(container.dataset.placesId);
    if (!source || typeof window.L === "undefined") {
      return;
    }
    var places = JSON.parse(source.textContent).filter(function (place) {
      return isFinite(place.lat) && isFinite(place.lon);
    });
    if (!places.length) {
      return;
    }
    // Shown before Leaflet measures it: hidden, it has no size.
    container.hidden = false;
    var map = L.map(container, {
      // Scrolling the page should not zoom the map; on a phone one finger
      // scrolls the page (two fingers still move the map).
      scrollWheelZoom: false,
      dragging: !L.Browser.mobile,
      tap: false
    });
    L.tileLayer(container.dataset.tileUrl, {
      maxZoom: 19,
      attribution: container.dataset.tileAttribution
    }).addTo(map);

    var points = places.map(function (place) {
      var point = L.latLng(place.lat, place.lon);
      var text = place.name === place.area ? place.name : place.name + ", " + place.area;
      L.circleMarker(point, DOT_STYLE).bindTooltip(label(text)).addTo(map);
      return point;
    });
    if (points.length === 1) {
      map.setView(points[0], ONE_PLACE_ZOOM);
    } else {
      map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: MAX_FIT_ZOOM });
    }
  }

  function init() {
    var containers = document.querySelectorAll(".entry-map[data-places-id]");
    for (var i = 0; i < containers.length; i++) {
      drawEntryMap(containers[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
