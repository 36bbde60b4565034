/*
 * The map of the map page (and of the embeddable map). The page works
 * without it: the list under the map shows the same items, and both forms
 * are plain GET forms. With it:
 *
 * - clusters and items come from /api/v1/map for what is on screen, asked
 *   again (debounced) whenever the map stops moving; clusters say how many
 *   items they hold and zoom in to where they split; every marker is a
 *   button for the keyboard, named by its count or its title;
 * - markers take their layer's colour and symbol (the key beside the map
 *   says which is which; a cluster of several layers has a ring of their
 *   colours); a cluster's size steps up with its count, and every marker is
 *   drawn inside its grid cell (64 px at every zoom, as the API counts), so
 *   markers of neighbouring cells never overlap;
 * - the local authority outlines are a light layer, so the map still means
 *   something when tiles cannot load;
 * - the address keeps the view (history.replaceState), and the list, the
 *   filter form's view inputs, the embed code and links follow the map;
 * - clicking the map, or choosing a place found by name, offers "Add a group
 *   here": the directory's add form with the place filled in.
 *
 * Settings come from the JSON element named by the container's data-config
 * (json_script; the CSP allows no inline script): urls, filters, the view,
 * tiles, attributions and the texts, already translated.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 300;
  var MAX_LATITUDE = 85.0511;
  var MIN_ZOOM = 4;
  var MAX_ZOOM = 18;
  var DECIMALS = 5;
  // How close to go to a place found by name, by its kind (as the API names them).
  var PLACE_ZOOMS = { region: 8, "local authority": 11, "town or city": 13 };
  var OUTLINE_STYLE = {
    color: "#0b5563", weight: 1.2, opacity: 0.6, fill: true, fillOpacity: 0.03, interactive: false
  };
  // The API's grid: a cell is a quarter of a 256 px tile at every zoom.
  var CELL_PIXELS = 64;
  // Cluster sizes (diameter in px, number's font size), by count: all fit a cell.
  var CLUSTER_STEPS = [[10, 32, 13], [100, 38, 14], [1000, 46, 15], [Infinity, 54, 16]];
  var ITEM_SIZE = 28;
  var OFFLINE_OUTLINE_STYLE = { fillColor: "#fbfbf7", fillOpacity: 1 };
  var REDUCED_MOTION = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function escapeHtml(text) {
    return element("span", "", text).innerHTML;
  }

  function MapPage(container, config) {
    this.container = container;
    this.config = config;
    this.text = config.text;
    this.markers = {}; // key -> marker, so a redraw keeps what is still there (and its focus)
    this.lastQuery = null;
    this.controller = null;
    this.timer = null;
    this.lastPopupClose = 0;
  }

  MapPage.prototype.start = function () {
    var self = this;
    var container = this.container;
    var config = this.config;
    this.layers = {};
    (config.layers || []).forEach(function (layer) { self.layers[layer.key] = layer; });
    // Shown before Leaflet measures it; hidden it has no size.
    container.hidden = false;
    var stage = container.closest("[data-map-stage]");
    if (stage) {
      stage.hidden = false;
    }
    var page = document.querySelector("[data-map-page]");
    if (page) {
      page.dataset.map = "on";
    }
    this.addSkipLink();
    var help = element("p", "visually-hidden", this.text.map);
    help.id = "map-help";
    container.parentNode.insertBefore(help, container);
    container.setAttribute("aria-describedby", help.id);

    var map = this.map = L.map(container, {
      minZoom: MIN_ZOOM,
      maxZoom: MAX_ZOOM,
      // The wheel zooms only once the map has focus: scrolling the page
      // past the map must not zoom it.
      scrollWheelZoom: false,
      zoomAnimation: !REDUCED_MOTION,
      fadeAnimation: !REDUCED_MOTION,
      markerZoomAnimation: !REDUCED_MOTION
    });
    map.on("focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });

    var tiles = L.tileLayer(config.tiles.url, { maxZoom: 19, attribution: config.tiles.attribution }).addTo(map);
    // Without tiles (offline, or refused) the North's areas are drawn as land.
    tiles.on("tileerror", function () {
      if (!self.tilesLoaded) {
        self.offline(true);
      }
    });
    tiles.on("tileload", function () {
      self.tilesLoaded = true;
      self.offline(false);
    });
    map.attributionControl.addAttribution(escapeHtml(config.boundaryAttribution));
    this.features = L.layerGroup().addTo(map);
    this.loadOutlines();

    map.on("moveend", function () { self.schedule(); });
    map.on("click", function (event) { self.onMapClick(event); });
    map.on("popupclose", function () { self.lastPopupClose = Date.now(); });
    map.on("popupopen", function (event) { self.focusPopup(event.popup); });

    var box = config.bbox;
    var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
    var zoom;
    if (config.zoom !== null) {
      // A view someone shared: the zoom it had, unless this screen is smaller.
      // (Shrunk a little, so rounding never costs a zoom level on the same screen.)
      zoom = Math.min(config.zoom, map.getBoundsZoom(bounds.pad(-0.04)));
    } else {
      zoom = map.getBoundsZoom(bounds);
    }
    map.setView(bounds.getCenter(), zoom, { animate: false });

    this.connectPlaceSearch();
    this.foldFilters();
  };

  // On a narrow screen the filters come before the map: fold them away (unless
  // they say what to correct), so the map is in sight; open again when wide.
  MapPage.prototype.foldFilters = function () {
    var panel = document.querySelector("[data-map-fold]");
    if (!panel || !window.matchMedia) {
      return;
    }
    var narrow = window.matchMedia("(max-width: 59.99rem)");
    if (narrow.matches && !panel.querySelector(".errorlist")) {
      panel.open = false;
    }
    narrow.addEventListener("change", function (event) {
      if (!event.matches) {
        panel.open = true;
      }
    });
  };

  MapPage.prototype.offline = function (isOffline) {
    if (this.isOffline === isOffline) {
      return;
    }
    this.isOffline = isOffline;
    this.container.classList.toggle("map-offline", isOffline);
    if (this.outlines) {
      this.outlines.setStyle(isOffline ? L.extend({}, OUTLINE_STYLE, OFFLINE_OUTLINE_STYLE) : OUTLINE_STYLE);
    }
  };

  // A keyboard user meets the markers one by one: offer a way past them to the list.
  MapPage.prototype.addSkipLink = function () {
    var list = document.getElementById("map-results-heading");
    if (!list || !this.text.skipMap) {
      return;
    }
    var skip = element("a", "map-skip", this.text.skipMap);
    skip.href = "#map-results-heading";
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      list.setAttribute("tabindex", "-1");
      list.focus();
    });
    this.container.parentNode.insertBefore(skip, this.container);
  };

  MapPage.prototype.loadOutlines = function () {
    var self = this;
    var map = this.map;
    fetch(this.config.urls.outlines, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("outlines: " + response.status);
        }
        return response.json();
      })
      .then(function (outlines) {
        var style = self.isOffline ? L.extend({}, OUTLINE_STYLE, OFFLINE_OUTLINE_STYLE) : OUTLINE_STYLE;
        self.outlines = L.geoJSON(outlines, { style: style, interactive: false }).addTo(map).bringToBack();
      })
      .catch(function () {
        // The outlines are a background; the map works without them.
      });
  };

  // --- The view, the address and the list ------------------------------------

  MapPage.prototype.box = function () {
    var bounds = this.map.getBounds();
    return [
      Math.max(-180, bounds.getWest()),
      Math.max(-MAX_LATITUDE, bounds.getSouth()),
      Math.min(180, bounds.getEast()),
      Math.min(MAX_LATITUDE, bounds.getNorth())
    ].map(function (value) { return value.toFixed(DECIMALS); }).join(",");
  };

  MapPage.prototype.params = function (bbox, zoom) {
    var params = new URLSearchParams();
    this.config.filters.forEach(function (pair) { params.append(pair[0], pair[1]); });
    params.set("bbox", bbox);
    params.set("zoom", String(zoom));
    return params;
  };

  MapPage.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.container.dataset.state = "loading";
    this.timer = window.setTimeout(function () { self.update(); }, DEBOUNCE_MS);
  };

  MapPage.prototype.update = function () {
    var bbox = this.box();
    var zoom = this.map.getZoom();
    // Commas need no escaping in a query string: bbox stays readable when shared.
    var query = this.params(bbox, zoom).toString().replace(/%2C/gi, ",");
    if (query === this.lastQuery) {
      this.container.dataset.state = "ready";
      return;
    }
    this.lastQuery = query;
    window.history.replaceState(window.history.state, "", window.location.pathname + "?" + query);
    this.followView(bbox, zoom, query);
    var self = this;
    Promise.all([this.loadFeatures(query, zoom), this.refreshList(query)]).then(function () {
      if (query === self.lastQuery) {
        self.container.dataset.state = "ready";
      }
    });
  };

  MapPage.prototype.followView = function (bbox, zoom, query) {
    // The filter form keeps the view, so filtering does not move the map.
    var inputs = { bbox: bbox, zoom: String(zoom) };
    Object.keys(inputs).forEach(function (name) {
      var input = document.querySelector('[data-map-view="' + name + '"]');
      if (input) {
        input.value = inputs[name];
        input.disabled = false;
      }
    });
    var urls = this.config.urls;
    var page = document.querySelector('[data-map-link="page"]');
    if (page) {
      page.href = urls.page + "?" + query;
    }
    var embed = document.querySelector('[data-map-link="embed"]');
    if (embed) {
      embed.href = urls.embed + "?" + query;
    }
    var code = document.querySelector("[data-map-embed-code]");
    if (code) {
      var src = (urls.embed + "?" + query).replace(/&/g, "&amp;");
      code.value = code.value.replace(/src="[^"]*"/, 'src="' + src + '"');
    }
  };

  MapPage.prototype.refreshList = function (query) {
    if (!window.htmx || !document.getElementById("map-results")) {
      return Promise.resolve();
    }
    // The page's own list fragment for the same address (the view answers htmx).
    return window.htmx.ajax("GET", window.location.pathname + "?" + query, {
      target: "#map-results",
      swap: "innerHTML"
    }).catch(function () {});
  };

  MapPage.prototype.loadFeatures = function (query, zoom) {
    var self = this;
    if (this.controller) {
      this.controller.abort();
    }
    var controller = this.controller = new AbortController();
    return fetch(this.config.urls.api + "?" + query, {
      signal: controller.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("map: " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        self.problem("");
        self.draw(collection.features, zoom);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          self.problem(self.text.mapFailed);
        }
      });
  };

  MapPage.prototype.problem = function (message) {
    var note = document.getElementById("map-problem");
    if (!note) {
      note = element("p", "message message-error map-problem");
      note.id = "map-problem";
      note.setAttribute("role", "alert");
      this.container.parentNode.insertBefore(note, this.container.nextSibling);
    }
    note.textContent = message;
    note.hidden = !message;
  };

  // --- Markers -------------------------------------------------------------------

  MapPage.prototype.draw = function (features, zoom) {
    var wanted = {};
    var self = this;
    features.forEach(function (feature) {
      var position = feature.geometry.coordinates;
      var properties = feature.properties;
      var size = properties.cluster ? self.clusterStep(properties.count)[1] : ITEM_SIZE;
      var where = L.latLng(position[1], position[0]);
      var latlng = self.insideCell(where, zoom, size, feature.id);
      var key = [zoom, feature.id, properties.count || 1, properties.split_zoom].join(":");
      wanted[key] = true;
      if (!self.markers[key]) {
        self.markers[key] = properties.cluster
          ? self.clusterMarker(latlng, properties, size, where)
          : self.itemMarker(latlng, properties);
        self.markers[key].addTo(self.features);
      }
    });
    Object.keys(this.markers).forEach(function (key) {
      if (!wanted[key]) {
        self.features.removeLayer(self.markers[key]);
        delete self.markers[key];
      }
    });
  };

  MapPage.prototype.clusterStep = function (count) {
    for (var i = 0; i < CLUSTER_STEPS.length; i += 1) {
      if (count < CLUSTER_STEPS[i][0]) {
        return CLUSTER_STEPS[i];
      }
    }
    return CLUSTER_STEPS[CLUSTER_STEPS.length - 1];
  };

  // Where to draw a marker of `size` px so that it stays inside its grid cell at `zoom`:
  // each cell holds one marker, so markers never overlap. A cluster's id names its cell.
  MapPage.prototype.insideCell = function (latlng, zoom, size, id) {
    var point = this.map.project(latlng, zoom);
    var cell = /^cluster-\d+-(\d+)-(\d+)$/.exec(id || "");
    var left = cell ? Number(cell[1]) * CELL_PIXELS : Math.floor(point.x / CELL_PIXELS) * CELL_PIXELS;
    var top = cell ? Number(cell[2]) * CELL_PIXELS : Math.floor(point.y / CELL_PIXELS) * CELL_PIXELS;
    var half = size / 2 + 1;
    var x = Math.min(Math.max(point.x, left + half), left + CELL_PIXELS - half);
    var y = Math.min(Math.max(point.y, top + half), top + CELL_PIXELS - half);
    if (x === point.x && y === point.y) {
      return latlng;
    }
    return this.map.unproject(L.point(x, y), zoom);
  };

  MapPage.prototype.layerStyle = function (key) {
    return this.layers[key] || { colour: this.config.mixedColour, icon_path: "", label: key };
  };

  MapPage.prototype.symbol = function (path) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shape = document.createElementNS(svgNS, "path");
    shape.setAttribute("d", path);
    shape.setAttribute("fill", "#fff");
    svg.appendChild(shape);
    return svg;
  };

  // A marker is a button: Enter and Space do what a click does.
  MapPage.prototype.asButton = function (marker, name, activate) {
    marker.on("add", function () {
      var icon = marker.getElement();
      icon.setAttribute("aria-label", name);
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          activate(true);
        }
      });
    });
    marker.on("click", function () { activate(false); });
    return marker;
  };

  // Drawn at `latlng` (inside its cell); `where` is the mean of its points, where it zooms to.
  MapPage.prototype.clusterMarker = function (latlng, properties, size, where) {
    var self = this;
    var count = properties.count;
    var step = this.clusterStep(count);
    var name = format(count === 1 ? this.text.itemsHereOne : this.text.itemsHereMany, { count: count });
    var layers = Object.keys(properties.layers || {});
    // Styles through the CSSOM: the CSP allows no inline style attributes.
    var icon = element("div", "map-marker map-cluster");
    var number = element("span", "map-cluster-count", count >= 10000 ? Math.round(count / 1000) + "k" : String(count));
    number.style.fontSize = step[2] + "px";
    if (layers.length === 1) {
      icon.style.background = this.layerStyle(layers[0]).colour;
    } else {
      // A ring of the layers' colours, in proportion, round a neutral centre.
      icon.classList.add("map-cluster-mixed");
      var stops = [];
      var done = 0;
      layers.forEach(function (key) {
        var share = (properties.layers[key] / count) * 100;
        stops.push(self.layerStyle(key).colour + " " + done.toFixed(2) + "% " + (done + share).toFixed(2) + "%");
        done += share;
      });
      icon.style.background = stops.length ? "conic-gradient(" + stops.join(", ") + ")" : this.config.mixedColour;
      number.style.background = this.config.mixedColour;
    }
    icon.appendChild(number);
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "map-marker-holder", html: icon, iconSize: [size, size] }),
      title: name,
      autoPanOnFocus: false,
      riseOnHover: true
    });
    return this.asButton(marker, name, function (byKeyboard) {
      var map = self.map;
      if (properties.split_zoom !== null && properties.split_zoom > map.getZoom()) {
        map.setView(where, Math.min(properties.split_zoom, MAX_ZOOM));
        if (byKeyboard) {
          // The cluster is gone once split: go on from the map itself.
          self.container.focus({ preventScroll: true });
        }
      } else {
        self.openSamePlace(where, count, marker.getElement());
      }
    });
  };

  MapPage.prototype.itemMarker = function (latlng, properties) {
    var self = this;
    var layer = this.layerStyle(properties.layer);
    var icon = element("div", "map-marker map-item");
    icon.style.background = layer.colour;
    if (layer.icon_path) {
      icon.appendChild(this.symbol(layer.icon_path));
    }
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "map-marker-holder", html: icon, iconSize: [ITEM_SIZE, ITEM_SIZE] }),
      title: properties.title,
      autoPanOnFocus: false,
      riseOnHover: true
    });
    return this.asButton(marker, properties.title, function () {
      var content = element("div", "map-popup");
      content.appendChild(self.link(properties.url, properties.title, "map-popup-title"));
      var names = self.config.names;
      var about = [names.kind[properties.kind] || properties.kind];
      if (properties.category) {
        about.push(names.category[properties.category] || properties.category);
      }
      content.appendChild(element("p", "meta", about.join(" · ")));
      self.popup(latlng, content, marker.getElement());
    });
  };

  MapPage.prototype.link = function (href, text, className) {
    var link = element("a", className || "", text);
    link.href = href;
    if (this.config.embed) {
      // In another site's page: open ours in a new tab.
      link.target = "_blank";
      link.rel = "noopener";
      link.appendChild(document.createTextNode(" "));
      link.appendChild(element("span", "visually-hidden", this.text.opensInNewTab));
    }
    return link;
  };

  // `origin` is where the focus goes back to when Escape closes the popup.
  MapPage.prototype.popup = function (latlng, content, origin) {
    var map = this.map;
    var back = origin || this.container;
    content.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        map.closePopup();
        (document.body.contains(back) ? back : map.getContainer()).focus({ preventScroll: true });
      }
    });
    // On the map, not on a marker: a redraw after the popup pans the map keeps it open.
    return L.popup({
      maxWidth: Math.min(280, this.container.clientWidth - 72),
      // Clear of the zoom buttons at the top left.
      autoPanPaddingTopLeft: [48, 16],
      autoPanPaddingBottomRight: [16, 16]
    })
      .setLatLng(latlng)
      .setContent(content)
      .openOn(map);
  };

  MapPage.prototype.focusPopup = function (popup) {
    var target = popup.getElement() && popup.getElement().querySelector("a, button");
    if (target) {
      target.focus({ preventScroll: true });
    }
  };

  // Items at one spot never split: list them in the popup (from the list fragment).
  MapPage.prototype.openSamePlace = function (latlng, count, origin) {
    var self = this;
    var content = element("div", "map-popup");
    content.appendChild(element("p", "map-popup-heading", format(this.text.samePlace, { count: count })));
    var loading = element("p", "meta", this.text.loading);
    content.appendChild(loading);
    this.popup(latlng, content, origin);
    var delta = 0.0001;
    var bbox = [latlng.lng - delta, latlng.lat - delta, latlng.lng + delta, latlng.lat + delta]
      .map(function (value) { return value.toFixed(6); }).join(",");
    fetch(window.location.pathname + "?" + this.params(bbox, MAX_ZOOM).toString(), {
      headers: { "HX-Request": "true" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fragment = new DOMParser().parseFromString(html, "text/html");
        var list = element("ul", "map-popup-list");
        fragment.querySelectorAll(".map-list-text > a").forEach(function (found) {
          var item = element("li");
          item.appendChild(self.link(found.getAttribute("href"), found.textContent));
          list.appendChild(item);
        });
        loading.replaceWith(list);
        if (list.children.length < count) {
          content.appendChild(element("p", "meta", self.text.moreInList));
        }
        self.focusPopup({ getElement: function () { return content; } });
      })
      .catch(function () {
        loading.textContent = self.text.mapFailed;
      });
  };

  // --- Add a group here ------------------------------------------------------------

  MapPage.prototype.onMapClick = function (event) {
    // A click that only closed a popup should not open another one.
    if (Date.now() - this.lastPopupClose < 100) {
      return;
    }
    this.openAddHere(event.latlng, null, null);
  };

  MapPage.prototype.openAddHere = function (latlng, placeName, origin) {
    var latitude = latlng.lat.toFixed(DECIMALS);
    var longitude = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(DECIMALS);
    var content = element("div", "map-popup map-popup-add");
    if (placeName) {
      content.appendChild(element("p", "map-popup-heading", placeName));
    }
    content.appendChild(element("p", "", this.text.addHereIntro));
    var params = new URLSearchParams({ latitude: latitude, longitude: longitude });
    var self = this;
    this.config.add.forEach(function (choice) {
      content.appendChild(self.link(choice.url + "?" + params.toString(), choice.label, "button button-small map-add-here"));
    });
    content.appendChild(element("p", "meta", format(this.text.coordinates, { latitude: latitude, longitude: longitude })));
    this.popup(latlng, content, origin);
  };

  // --- Go to a place ---------------------------------------------------------------

  MapPage.prototype.connectPlaceSearch = function () {
    var self = this;
    var form = document.getElementById("map-place");
    var results = document.getElementById("map-place-results");
    if (!form || !results) {
      return;
    }
    var input = form.querySelector('input[name="place"]');
    form.addEventListener("submit", function (event) {
      var query = input.value.trim();
      if (!query) {
        return; // the server says what to type
      }
      event.preventDefault();
      results.textContent = self.text.loading;
      var params = new URLSearchParams({ q: query, limit: "5" });
      fetch(self.config.urls.places + "?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("places: " + response.status);
          }
          return response.json();
        })
        .then(function (found) { self.showPlaces(results, found.items, query); })
        .catch(function () { results.textContent = self.text.placeFailed; });
    });
  };

  MapPage.prototype.goToPlace = function (place, origin) {
    var latlng = L.latLng(place.latitude, place.longitude);
    this.map.setView(latlng, PLACE_ZOOMS[place.kind] || 13);
    this.openAddHere(latlng, place.name, origin);
  };

  // One place found (or one named exactly so): the map goes there at once, and
  // any others are offered. Several: the choices, each a button.
  MapPage.prototype.showPlaces = function (results, places, query) {
    var self = this;
    results.textContent = "";
    if (!places.length) {
      results.appendChild(element("p", "", format(this.text.placeNone, { query: query })));
      return;
    }
    var wanted = query.trim().toLowerCase();
    var exact = places.filter(function (place) { return place.name.toLowerCase() === wanted; });
    var chosen = places.length === 1 ? places[0] : (exact.length === 1 ? exact[0] : null);
    var others = places;
    if (chosen) {
      results.appendChild(element("p", "", format(this.text.placeShown, { name: chosen.name })));
      others = places.filter(function (place) { return place !== chosen; });
      this.goToPlace(chosen, document.getElementById("map-place").querySelector("input[name=place]"));
      if (!others.length) {
        return;
      }
      results.appendChild(element("p", "meta", this.text.placeOthers));
    }
    var list = element("ul", "map-place-list");
    others.forEach(function (place) {
      var item = element("li");
      var button = element("button", "link-button", format(self.text.placeGo, { name: place.name }));
      button.type = "button";
      button.addEventListener("click", function () { self.goToPlace(place, button); });
      item.appendChild(button);
      var where = place.local_authority ? place.local_authority.name + ", " + place.region.name : place.region.name;
      if (place.kind !== "region") {
        item.appendChild(element("span", "meta", " " + where));
      }
      list.appendChild(item);
    });
    results.appendChild(list);
  };

  function init() {
    var container = document.getElementById("map");
    if (!container || !container.dataset.config || typeof window.L === "undefined") {
      return;
    }
    var source = document.getElementById(container.dataset.config);
    if (!source) {
      return;
    }
    new MapPage(container, JSON.parse(source.textContent)).start();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
