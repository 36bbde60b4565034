/*
 * The place picker (places.fields.PlacePickerWidget), on top of a form that
 * works without it. For each [data-place-picker]:
 *
 * - the name box becomes a combobox (ARIA 1.2): as one types, towns,
 *   villages and local authorities come from /api/v1/places; the up and
 *   down arrows move through them, Enter chooses, Escape closes, and the
 *   number found is announced;
 * - a small Leaflet map: a click (or a tap) puts the pin, the pin can be
 *   dragged, and "Put the pin in the middle of the map" does it from the
 *   keyboard; /api/v1/areas/locate says which area the pin is in;
 * - "Use my location" asks the browser, and says plainly when it cannot;
 * - "Remove the place" empties it all.
 *
 * Choosing fills the hidden inputs the server reads (latitude, longitude or
 * area, and the name at the time of choosing); the server checks every
 * point again. Settings come from the root's data-config (JSON; the CSP
 * allows no inline script), texts already translated.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 120;
  var MIN_CHARACTERS = 2;
  var QUERY_MAX = 100;
  var SUGGESTIONS = 8;
  var DECIMALS = 5;
  var ZOOMS = { point: 15, town: 13, area: 10 };
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

  function Picker(root, config) {
    this.root = root;
    this.config = config;
    this.text = config.text;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.locating = null;
    this.marker = null;
    this.map = null;
  }

  // With several pickers on a page (a place per row), each says which it is:
  // "Place 2: Map for choosing the place…", from the row's legend.
  Picker.prototype.named = function (text) {
    var row = this.root.closest("fieldset");
    var legend = row && row.querySelector("legend");
    if (document.querySelectorAll("[data-place-picker]").length < 2 || !legend) {
      return text;
    }
    return legend.textContent.trim() + ": " + text;
  };

  Picker.prototype.part = function (name) {
    return this.root.querySelector("[data-place-" + name + "]");
  };

  Picker.prototype.start = function () {
    var self = this;
    this.input = this.part("input");
    this.latitude = this.part("latitude");
    this.longitude = this.part("longitude");
    this.area = this.part("area");
    this.chosen = this.part("chosen");
    this.wholeArea = this.part("whole-area");
    this.areaName = this.part("area-name");
    this.status = this.part("status");
    this.problemNote = this.part("problem");
    this.typedLatitude = this.part("typed-latitude");
    this.typedLongitude = this.part("typed-longitude");
    if (!this.input || !this.latitude || !this.longitude) {
      return;
    }
    this.makeCombobox();
    var tools = this.part("tools");
    tools.hidden = false;
    this.part("locate").hidden = false;
    this.part("locate").addEventListener("click", function () { self.useMyLocation(); });
    this.clearButton = this.part("clear");
    this.clearButton.addEventListener("click", function () { self.clear(); });
    this.root.addEventListener("input", function () { self.showClear(); });
    this.showClear();
    [this.typedLatitude, this.typedLongitude].forEach(function (typed) {
      if (typed) {
        typed.addEventListener("change", function () { self.onTyped(); });
      }
    });
    if (typeof window.L !== "undefined") {
      this.makeMap();
    }
  };

  // --- The name box: an ARIA 1.2 combobox ---------------------------------------

  Picker.prototype.makeCombobox = function () {
    var self = this;
    var input = this.input;
    var id = input.id || "place";
    var listbox = this.listbox = element("ul", "place-suggestions");
    listbox.id = id + "_suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", this.text.suggestions);
    listbox.hidden = true;
    input.parentNode.appendChild(listbox);
    this.announcer = element("p", "visually-hidden");
    this.announcer.setAttribute("role", "status");
    input.parentNode.appendChild(this.announcer);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    input.addEventListener("input", function () {
      self.noteRenamed();
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.search(); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () { self.close(); });
  };

  Picker.prototype.onKey = function (event) {
    var open = !this.listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "Down") {
      event.preventDefault();
      if (!open) {
        if (this.results.length) {
          this.open();
          this.highlight(0);
        } else {
          this.search();
        }
      } else {
        this.highlight((this.active + 1) % this.results.length);
      }
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (open) {
        event.preventDefault();
        this.highlight(this.active <= 0 ? this.results.length - 1 : this.active - 1);
      }
    } else if (event.key === "Enter") {
      // With the list open, Enter chooses; it never sends the form from here.
      if (open) {
        event.preventDefault();
        if (this.active >= 0) {
          this.choose(this.results[this.active]);
        } else {
          this.close();
        }
      }
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (open) {
        event.preventDefault();
        this.close();
      }
    }
  };

  Picker.prototype.search = function () {
    var self = this;
    var query = this.input.value.trim();
    if (this.controller) {
      this.controller.abort();
    }
    if (query.length < MIN_CHARACTERS) {
      this.results = [];
      this.close();
      return;
    }
    var controller = this.controller = new AbortController();
    // More than shown: some kinds are left out (see show).
    var params = new URLSearchParams({ q: query.slice(0, QUERY_MAX), limit: String(SUGGESTIONS * 2 + 3) });
    fetch(this.config.urls.places + "?" + params.toString(), {
      signal: controller.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("places: " + response.status);
        }
        return response.json();
      })
      .then(function (found) {
        // Regions are too big to be a place; whole areas only where the form takes them.
        var places = found.items.filter(function (place) {
          return place.local_authority && !(self.config.pointsOnly && place.kind === "local authority");
        });
        self.show(places.slice(0, SUGGESTIONS));
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          self.results = [];
          self.close();
          self.announce(self.text.failed);
        }
      });
  };

  Picker.prototype.show = function (places) {
    var self = this;
    var listbox = this.listbox;
    this.results = places;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    listbox.textContent = "";
    places.forEach(function (place, index) {
      var option = element("li", "place-suggestion");
      option.id = listbox.id + "_" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.appendChild(element("span", "place-suggestion-name", place.name));
      option.appendChild(document.createTextNode(" "));
      option.appendChild(element("span", "place-suggestion-where", self.where(place)));
      // Keep the focus in the box: a click chooses without a blur first.
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { self.choose(place); });
      listbox.appendChild(option);
    });
    if (places.length) {
      this.open();
      this.announce(places.length === 1 ? this.text.foundOne : format(this.text.found, { count: places.length }));
    } else {
      this.close();
      this.announce(this.text.none);
    }
  };

  Picker.prototype.where = function (place) {
    if (place.kind === "local authority") {
      return format(this.text.areaWhole, { region: place.region.name });
    }
    return format(this.text.townIn, { area: place.local_authority.name, region: place.region.name });
  };

  Picker.prototype.open = function () {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.highlight = function (index) {
    var options = this.listbox.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      options[i].classList.toggle("is-active", i === index);
    }
    this.active = index;
    if (options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  };

  Picker.prototype.announce = function (message) {
    // Emptied first, so the same words twice are still read out.
    var announcer = this.announcer;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  };

  Picker.prototype.choose = function (place) {
    this.input.value = place.name;
    this.close();
    this.announce("");
    var authority = place.local_authority;
    if (place.kind === "local authority") {
      this.setArea(authority, [place.latitude, place.longitude]);
    } else {
      this.setPoint(place.latitude, place.longitude, authority, ZOOMS.town, false);
    }
  };

  // The name changed after a choice: the place stays, under the new name
  // (the status says so); choosing a suggestion moves it.
  Picker.prototype.noteRenamed = function () {
    if (this.latitude.value || this.area.value) {
      this.chosen.value = this.input.value;
    }
  };

  // --- Keeping the hidden inputs, the status and the map in step --------------------

  // "Remove the place" only when there is something to remove.
  Picker.prototype.showClear = function () {
    var typed = this.typedLatitude && (this.typedLatitude.value || this.typedLongitude.value);
    this.clearButton.hidden = !(this.input.value || this.latitude.value || this.area.value || typed);
  };

  Picker.prototype.forgetOptions = function () {
    // The server's "did you mean" radios, from an earlier round, no longer apply.
    var options = this.part("options");
    if (options) {
      options.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.checked = false; });
      options.hidden = true;
    }
  };

  Picker.prototype.setArea = function (authority, centre) {
    this.latitude.value = "";
    this.longitude.value = "";
    this.area.value = authority.slug;
    this.chosen.value = this.input.value;
    this.clearTyped();
    this.forgetOptions();
    if (this.wholeArea) {
      this.wholeArea.checked = true;
    }
    this.showArea(authority.name);
    this.say(format(this.text.chosenArea, { area: authority.name }));
    this.problem("");
    if (this.marker) {
      this.marker.remove();
      this.marker = null;
    }
    if (this.map && centre) {
      this.map.setView(centre, ZOOMS.area, { animate: !REDUCED_MOTION });
    }
  };

  // `authority` is known for a suggestion; for a point from the map it is looked up.
  Picker.prototype.setPoint = function (latitude, longitude, authority, zoom, fromMap) {
    var self = this;
    latitude = Number(latitude.toFixed(DECIMALS));
    longitude = Number(longitude.toFixed(DECIMALS));
    this.latitude.value = String(latitude);
    this.longitude.value = String(longitude);
    this.chosen.value = this.input.value;
    this.forgetOptions();
    if (fromMap && this.wholeArea) {
      // A pin put by hand is an exact place, not a whole area.
      this.wholeArea.checked = false;
    }
    this.placeMarker(latitude, longitude, zoom);
    if (authority) {
      this.area.value = authority.slug;
      this.located(authority);
      return;
    }
    this.area.value = "";
    if (this.locating) {
      this.locating.abort();
    }
    var controller = this.locating = new AbortController();
    var params = new URLSearchParams({ lat: String(latitude), lon: String(longitude) });
    fetch(this.config.urls.locate + "?" + params.toString(), {
      signal: controller.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("locate: " + response.status);
        }
        return response.json();
      })
      .then(function (found) {
        if (found.local_authority) {
          self.area.value = found.local_authority.slug;
          self.located(found.local_authority);
        } else {
          self.say("");
          self.problem(self.text.outside);
        }
      })
      .catch(function () {
        // The server checks the point when the form is sent and says if it is wrong.
      });
  };

  Picker.prototype.located = function (authority) {
    this.problem("");
    this.showArea(authority.name);
    this.say(format(this.text.chosenPoint, { area: authority.name }));
  };

  Picker.prototype.showArea = function (name) {
    if (this.areaName) {
      this.areaName.textContent = format(this.text.wholeOf, { area: name });
    }
  };

  Picker.prototype.say = function (message) {
    this.status.textContent = message;
    this.showClear();
  };

  Picker.prototype.problem = function (message) {
    this.problemNote.textContent = message;
    this.problemNote.hidden = !message;
  };

  Picker.prototype.clearTyped = function () {
    if (this.typedLatitude) {
      this.typedLatitude.value = "";
      this.typedLongitude.value = "";
    }
  };

  Picker.prototype.onTyped = function () {
    var latitude = parseFloat(this.typedLatitude.value);
    var longitude = parseFloat(this.typedLongitude.value);
    if (isFinite(latitude) && isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
      // Typed coordinates win on the server; the pin and the hidden point follow them.
      var typed = [this.typedLatitude.value, this.typedLongitude.value];
      this.setPoint(latitude, longitude, null, ZOOMS.point, true);
      this.typedLatitude.value = typed[0];
      this.typedLongitude.value = typed[1];
    }
  };

  Picker.prototype.clear = function () {
    this.input.value = "";
    this.latitude.value = "";
    this.longitude.value = "";
    this.area.value = "";
    this.chosen.value = "";
    if (this.wholeArea) {
      this.wholeArea.checked = false;
    }
    var roughly = this.part("roughly");
    if (roughly) {
      roughly.checked = false;
    }
    this.clearTyped();
    this.forgetOptions();
    this.results = [];
    this.close();
    this.problem("");
    this.say(this.text.chosenNowhere);
    this.clearButton.hidden = true;
    if (this.areaName) {
      this.areaName.textContent = this.text.wholeOfItsArea;
    }
    if (this.marker) {
      this.marker.remove();
      this.marker = null;
    }
    this.input.focus();
  };

  // --- Use my location ---------------------------------------------------------------

  Picker.prototype.useMyLocation = function () {
    var self = this;
    if (!navigator.geolocation) {
      this.problem(this.text.geoUnsupported);
      return;
    }
    this.problem("");
    this.say(this.text.locating);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        self.clearTyped();
        self.setPoint(position.coords.latitude, position.coords.longitude, null, ZOOMS.point, true);
      },
      function (error) {
        self.say("");
        var messages = { 1: self.text.geoDenied, 2: self.text.geoUnavailable, 3: self.text.geoTimeout };
        self.problem(messages[error.code] || self.text.geoUnavailable);
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
    );
  };

  // --- The small map -------------------------------------------------------------------

  Picker.prototype.makeMap = function () {
    var self = this;
    var container = this.part("map");
    if (!container) {
      return;
    }
    container.hidden = false;
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", this.named(this.text.map));
    var map = this.map = L.map(container, {
      minZoom: 5,
      maxZoom: 18,
      scrollWheelZoom: false,
      zoomAnimation: !REDUCED_MOTION,
      fadeAnimation: !REDUCED_MOTION,
      markerZoomAnimation: !REDUCED_MOTION
    });
    map.on("focus", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });
    L.tileLayer(this.config.tiles.url, { maxZoom: 19, attribution: this.config.tiles.attribution }).addTo(map);
    map.on("click", function (event) {
      self.clearTyped();
      self.setPoint(event.latlng.lat, L.Util.wrapNum(event.latlng.lng, [-180, 180], true), null, null, true);
    });
    var start = this.config.start;
    if (start) {
      map.setView([start.latitude, start.longitude], start.zoom, { animate: false });
      if (start.pin) {
        this.placeMarker(start.latitude, start.longitude, null);
      }
    } else {
      var north = this.config.north;
      map.fitBounds([[north[0], north[1]], [north[2], north[3]]], { animate: false });
    }

    var centre = element("button", "button button-secondary button-small place-pin-centre", this.text.pinCentre);
    if (this.named("") !== "") {
      centre.setAttribute("aria-label", this.named(this.text.pinCentre));
    }
    centre.type = "button";
    centre.addEventListener("click", function () {
      var middle = map.getCenter();
      self.clearTyped();
      self.setPoint(middle.lat, L.Util.wrapNum(middle.lng, [-180, 180], true), null, null, true);
    });
    container.parentNode.insertBefore(centre, container.nextSibling);
  };

  Picker.prototype.placeMarker = function (latitude, longitude, zoom) {
    var self = this;
    if (!this.map) {
      return;
    }
    var latlng = L.latLng(latitude, longitude);
    if (!this.marker) {
      this.marker = L.marker(latlng, {
        draggable: true,
        // Dragging needs a pointer; keyboard users have the button under the map.
        keyboard: false,
        icon: L.divIcon({ className: "place-pin", html: "", iconSize: [26, 26] })
      }).addTo(this.map);
      this.marker.on("dragend", function () {
        var position = self.marker.getLatLng();
        self.clearTyped();
        self.setPoint(position.lat, L.Util.wrapNum(position.lng, [-180, 180], true), null, null, true);
      });
    } else {
      this.marker.setLatLng(latlng);
    }
    if (zoom) {
      this.map.setView(latlng, zoom, { animate: !REDUCED_MOTION });
    }
  };

  function init() {
    document.querySelectorAll("[data-place-picker]").forEach(function (root) {
      if (root.dataset.placePickerReady) {
        return;
      }
      root.dataset.placePickerReady = "true";
      try {
        new Picker(root, JSON.parse(root.dataset.config)).start();
      } catch (error) {
        // Without the script the picker still works as a plain form.
        if (window.console) {
          window.console.warn("place picker:", error);
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // A picker added later (a new row of places) is started when its form changes.
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest("[data-place-picker]:not([data-place-picker-ready])")) {
      init();
    }
  });
})();
