/*
 * Draws the network graph: networks and their members as circles in an SVG,
 * placed by a force layout (d3-force), from the JSON the page embeds with
 * json_script. Each circle is a link to the entry's page; pointing at or
 * tabbing to one highlights its links and says who they are. Zoom buttons
 * (and the + and - keys), a reset, and dragging or the arrow keys (when
 * zoomed in) move the view. A search box finds a network or group and
 * highlights it with its links.
 *
 * Names: only the biggest circles are named, and only where a name has room
 * without covering another; the rest are named when pointed at, focused or
 * highlighted. Zooming in gives the names more room, so more show.
 *
 * On a phone the tables come first: the drawing moves below them.
 *
 * The page's tables hold the same information: without this script (or
 * without d3) the drawing's container simply stays hidden.
 *
 * Reads from the container's data- attributes: graphId (the id of the
 * json_script element) and, on the canvas, the translated words it shows.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var ZOOM_STEP = 1.6;
  var ZOOM_MIN = 1;
  var ZOOM_MAX = 12;
  var LABEL_PX = 13; // label size on screen at the reset view, in CSS pixels
  var LABEL_PX_NARROW = 11;
  var NAMES_IN_INFO = 12;
  var DRAG_THRESHOLD_PX = 4;
  var MAX_SCALE = 2;
  var MEASURE_PX = 10; // the size at which names are measured once
  var NAMES_SHOWN = 24; // at most this many names at the reset view (fewer on a phone)
  var NAMES_SHOWN_NARROW = 10;
  var MAJOR_NAMES = 10; // the biggest networks, named first and over small circles
  var MAJOR_NAMES_NARROW = 5;
  var FOUND_ZOOM = 2.5;
  var PAN_STEP = 0.15; // of the view, per arrow key press
  var PHONE_QUERY = "(max-width: 47.99rem)";

  function svgElement(name, attributes) {
    var element = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }

  function radius(node) {
    if (node.is_network) {
      return Math.min(26, 10 + 2.2 * Math.sqrt(node.members));
    }
    return 7;
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  function drawGraph(container) {
    var source = document.getElementById(container.dataset.graphId);
    var d3 = window.d3;
    if (!source || !d3 || typeof d3.forceSimulation !== "function") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var canvas = container.querySelector("[data-graph-canvas]");
    var info = container.querySelector("[data-graph-info]");
    var words = canvas.dataset;
    var defaultInfo = info.textContent;

    var nodes = data.nodes.map(function (node) {
      return Object.assign({}, node);
    });
    var byId = {};
    var neighbours = {};
    nodes.forEach(function (node) {
      byId[node.id] = node;
      neighbours[node.id] = [];
    });
    var links = data.edges.filter(function (edge) {
      return byId[edge.source] && byId[edge.target];
    }).map(function (edge) {
      neighbours[edge.source].push(edge.target);
      neighbours[edge.target].push(edge.source);
      return { source: edge.source, target: edge.target, role: edge.role };
    });

    container.hidden = false; // before measuring: a hidden element has no size
    // A phone's drawing is tall and narrow: pull the layout into that shape.
    var narrow = canvas.clientWidth < 600;
    var labelPx = narrow ? LABEL_PX_NARROW : LABEL_PX;
    var namesShown = narrow ? NAMES_SHOWN_NARROW : NAMES_SHOWN;

    // The biggest first: networks by members, then entries by networks they link.
    function importance(node) {
      return node.is_network ? 10000 + node.members : 100 * node.networks + neighbours[node.id].length;
    }

    // Room for a name is kept in the layout for the circles likely to be named.
    function isLabelled(node) {
      return node.is_network || node.networks >= 2;
    }

    // Laid out at once rather than animated: nothing moves on screen (kind
    // to people who prefer reduced motion) and the drawing is whole when shown.
    var simulation = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id(function (node) { return node.id; })
        .distance(function (link) { return 24 + radius(link.target) + radius(link.source); }))
      .force("charge", d3.forceManyBody().strength(function (node) {
        return node.is_network ? -320 : -70;
      }))
      // Packed tight on a phone, a named circle keeps room for its name.
      .force("collide", d3.forceCollide(function (node) {
        return radius(node) + (narrow && isLabelled(node) ? 10 : 4);
      }))
      .force("x", d3.forceX(0).strength(narrow ? 0.12 : 0.07))
      .force("y", d3.forceY(0).strength(narrow ? 0.04 : 0.07))
      // Longer settling untangles small graphs; big ones keep the default cost.
      .alphaDecay(nodes.length < 400 ? 0.01 : 0.0228)
      .stop();
    var ticks = Math.ceil(Math.log(simulation.alphaMin()) / Math.log(1 - simulation.alphaDecay()));
    for (var i = 0; i < ticks; i++) {
      simulation.tick();
    }

    var svg = svgElement("svg", {
      "class": "network-graph-svg",
      role: "group",
      "aria-label": words.label
    });
    var viewport = svgElement("g");
    var linkLayer = svgElement("g", { "class": "graph-links" });
    var nodeLayer = svgElement("g", { "class": "graph-nodes" });
    viewport.appendChild(linkLayer);
    viewport.appendChild(nodeLayer);
    svg.appendChild(viewport);
    canvas.appendChild(svg);

    links.forEach(function (link) {
      link.element = svgElement("line", {
        "class": "graph-link",
        x1: link.source.x, y1: link.source.y, x2: link.target.x, y2: link.target.y
      });
      linkLayer.appendChild(link.element);
    });

    nodes.forEach(function (node) {
      var classes = ["graph-node"];
      if (node.is_network) {
        classes.push("is-network");
      } else if (node.networks >= 2) {
        classes.push("is-bridge");
      }
      var anchor = svgElement("a", {
        href: node.url,
        "class": classes.join(" "),
        "aria-label": describeShort(node),
        transform: "translate(" + node.x + "," + node.y + ")"
      });
      var r = radius(node);
      anchor.appendChild(svgElement("circle", { r: r }));
      var label = svgElement("text", {
        "class": "graph-label",
        y: r + 1,
        dy: "1em",
        "text-anchor": "middle"
      });
      label.textContent = node.name;
      anchor.appendChild(label);
      node.label = label;
      anchor.addEventListener("pointerenter", function () { highlight(node); });
      anchor.addEventListener("pointerleave", clearHighlight);
      anchor.addEventListener("focus", function () {
        highlight(node);
        bringIntoView(node);
      });
      anchor.addEventListener("blur", clearHighlight);
      node.element = anchor;
      nodeLayer.appendChild(anchor);
    });

    // The sentences come translated from the page, with {placeholders}.
    function format(template, values) {
      return template.replace(/\{(\w+)\}/g, function (whole, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
      });
    }

    function describeShort(node) {
      if (node.is_network) {
        return format(words.networkFormat, { name: node.name, count: node.members });
      }
      return format(words.entryFormat, { name: node.name, kind: node.kind, count: node.networks });
    }

    function describeLong(node) {
      var names = neighbours[node.id].map(function (id) { return byId[id].name; });
      if (!names.length) {
        return describeShort(node);
      }
      var more = names.length - NAMES_IN_INFO;
      var listed = names.slice(0, NAMES_IN_INFO).join(", ");
      if (more > 0) {
        listed += " … (+" + more + ")";
      }
      return format(words.linkedFormat, { description: describeShort(node), names: listed });
    }

    // Measured once while every name is shown at a known size; scaled after.
    svg.style.setProperty("--graph-label-size", MEASURE_PX + "px");
    nodes.forEach(function (node) {
      node.labelWidth = node.label.getComputedTextLength() || node.name.length * MEASURE_PX * 0.55;
      // Framed (below) around the circles and the names likely to show.
      node.label.classList.toggle("is-optional", !isLabelled(node));
    });
    var ranked = nodes.slice().sort(function (a, b) {
      return importance(b) - importance(a) || a.name.localeCompare(b.name);
    });
    var pinned = null; // the node found by the search stays highlighted
    var highlighted = null; // the node whose links are shown, if any

    function highlight(node) {
      resetHighlight();
      svg.classList.add("is-highlighting");
      node.element.classList.add("is-active");
      neighbours[node.id].forEach(function (id) {
        byId[id].element.classList.add("is-active");
      });
      links.forEach(function (link) {
        if (link.source === node || link.target === node) {
          link.element.classList.add("is-active");
        }
      });
      info.textContent = describeLong(node);
      highlighted = node;
      placeLabels();
    }

    function resetHighlight() {
      svg.classList.remove("is-highlighting");
      svg.querySelectorAll(".is-active").forEach(function (element) {
        element.classList.remove("is-active");
      });
      if (highlighted) {
        highlighted = null;
        placeLabels();
      }
    }

    // Leaving a circle goes back to what the search found, or to nothing.
    function clearHighlight() {
      resetHighlight();
      if (pinned) {
        highlight(pinned);
        info.textContent = format(words.foundFormat, { description: describeLong(pinned) });
      } else {
        info.textContent = defaultInfo;
      }
    }

    // Fit: size the labels for the screen, then frame everything drawn.
    // Twice, as the frame decides the label size and the labels the frame.
    var frame = { x: 0, y: 0, width: 1, height: 1 };
    var canvasWidth = Math.max(1, canvas.clientWidth);

    function fit() {
      for (var pass = 0; pass < 2; pass++) {
        var unitsPerPixel = frame.width / canvasWidth;
        if (pass > 0) {
          svg.style.setProperty("--graph-label-size", (labelPx * unitsPerPixel) + "px");
        }
        // Framed around the circles and the names that may show.
        var box = viewport.getBBox();
        var padding = Math.max(box.width, box.height) * 0.03 + 4;
        // A small graph is not blown up to giant circles: at most MAX_SCALE
        // pixels to a unit, the frame growing around the drawing instead.
        var minWidth = canvasWidth / MAX_SCALE;
        var width = Math.max(box.width + 2 * padding, minWidth);
        var height = box.height + 2 * padding;
        frame = {
          x: box.x + box.width / 2 - width / 2,
          y: box.y + box.height / 2 - height / 2,
          width: width,
          height: height
        };
        svg.setAttribute("viewBox", [frame.x, frame.y, frame.width, frame.height].join(" "));
      }
    }
    fit();

    // Zoom and pan: a transform on the drawing, inside a fixed viewBox.
    var view = { k: 1, x: 0, y: 0 };

    function apply() {
      viewport.setAttribute(
        "transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"
      );
      svg.classList.toggle("is-zoomed", view.k > 1);
      schedulePlaceLabels();
    }

    // Names keep their size on screen at any zoom. Biggest first, each name is
    // put below, above, right or left of its circle, wherever it covers no
    // name already shown and no circle; a name with no room is left out
    // (shown on pointing or focus). Zoomed in, there is more room, so more show.
    // While a circle is highlighted, only it and its neighbours are named.
    var POSITIONS = ["below", "above", "right", "left"];

    function labelBox(node, position, width, height) {
      var r = radius(node) + 1;
      if (position === "below") {
        return { left: node.x - width / 2, right: node.x + width / 2, top: node.y + r, bottom: node.y + r + height };
      }
      if (position === "above") {
        return { left: node.x - width / 2, right: node.x + width / 2, top: node.y - r - height, bottom: node.y - r };
      }
      if (position === "right") {
        return { left: node.x + r + 2, right: node.x + r + 2 + width, top: node.y - height / 2, bottom: node.y + height / 2 };
      }
      return { left: node.x - r - 2 - width, right: node.x - r - 2, top: node.y - height / 2, bottom: node.y + height / 2 };
    }

    function setLabelPosition(node, position) {
      var label = node.label;
      var r = radius(node) + 1;
      var attributes = {
        below: { x: 0, y: r, dy: "1em", anchor: "middle" },
        above: { x: 0, y: -r, dy: "-0.3em", anchor: "middle" },
        right: { x: r + 2, y: 0, dy: "0.35em", anchor: "start" },
        left: { x: -r - 2, y: 0, dy: "0.35em", anchor: "end" }
      }[position];
      label.setAttribute("x", attributes.x);
      label.setAttribute("y", attributes.y);
      label.setAttribute("dy", attributes.dy);
      label.setAttribute("text-anchor", attributes.anchor);
    }

    function overlaps(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    // Moving the view re-places the names, once per frame at most.
    var placing = false;
    function schedulePlaceLabels() {
      if (placing || !window.requestAnimationFrame) {
        return;
      }
      placing = true;
      window.requestAnimationFrame(function () {
        placing = false;
        placeLabels();
      });
    }

    function visibleBounds() {
      // What the SVG shows (its viewBox is fitted with "meet", centred), in
      // the drawing's own units under the zoom and pan.
      var c = centre();
      var scale = unitsPerPixel();
      var halfWidth = (svg.clientWidth || 1) * scale / 2;
      var halfHeight = (svg.clientHeight || 1) * scale / 2;
      return {
        left: (c.x - halfWidth - view.x) / view.k,
        right: (c.x + halfWidth - view.x) / view.k,
        top: (c.y - halfHeight - view.y) / view.k,
        bottom: (c.y + halfHeight - view.y) / view.k
      };
    }

    function placeLabels() {
      var size = labelPx * unitsPerPixel() / view.k;
      var bounds = visibleBounds();
      svg.style.setProperty("--graph-label-size", size + "px");
      var height = size * 1.2;
      var pad = size * 0.25;
      var candidates;
      var budget;
      var obstacles;
      if (highlighted) {
        var near = neighbours[highlighted.id];
        candidates = [highlighted].concat(ranked.filter(function (node) {
          return node !== highlighted && near.indexOf(node.id) !== -1;
        }));
        budget = candidates.length;
        obstacles = candidates;
      } else {
        candidates = ranked.filter(function (node) {
          return isLabelled(node) || view.k >= 2.5;
        });
        budget = Math.round(namesShown * view.k);
        obstacles = nodes;
      }
      var circles = obstacles.map(function (node) {
        var r = radius(node);
        return { node: node, left: node.x - r, right: node.x + r, top: node.y - r, bottom: node.y + r };
      });
      var placed = [];
      nodes.forEach(function (node) { node.labelShown = false; });
      var majorNames = narrow ? MAJOR_NAMES_NARROW : MAJOR_NAMES;
      candidates.forEach(function (node, index) {
        if (placed.length >= budget) {
          return;
        }
        var width = node.labelWidth * size / MEASURE_PX + 2 * pad;
        // The biggest networks are named even over small circles (names have a halo).
        var major = !highlighted && index < majorNames;
        for (var i = 0; i < POSITIONS.length; i++) {
          var box = labelBox(node, POSITIONS[i], width, height);
          var free = box.left >= bounds.left && box.right <= bounds.right &&
            box.top >= bounds.top && box.bottom <= bounds.bottom &&
            !placed.some(function (other) { return overlaps(box, other); }) &&
            (major || !circles.some(function (circle) {
              return circle.node !== node && overlaps(box, circle);
            }));
          // The highlighted circle is always named, below it if nowhere is free.
          if (free || (node === highlighted && i === POSITIONS.length - 1)) {
            var position = free ? POSITIONS[i] : "below";
            setLabelPosition(node, position);
            placed.push(free ? box : labelBox(node, "below", width, height));
            node.labelShown = true;
            return;
          }
        }
      });
      nodes.forEach(function (node) {
        node.label.classList.toggle("is-optional", !node.labelShown);
      });
    }

    function unitsPerPixel() {
      var width = svg.clientWidth || 1;
      var height = svg.clientHeight || 1;
      // The viewBox is fitted with "meet": the larger ratio is the one used.
      return Math.max(frame.width / width, frame.height / height);
    }

    function zoomAt(factor, cx, cy) {
      var k = clamp(view.k * factor, ZOOM_MIN, ZOOM_MAX);
      view.x = cx - (cx - view.x) * (k / view.k);
      view.y = cy - (cy - view.y) * (k / view.k);
      view.k = k;
      if (k === 1) {
        view.x = 0;
        view.y = 0;
      }
      apply();
    }

    function centre() {
      return { x: frame.x + frame.width / 2, y: frame.y + frame.height / 2 };
    }

    function bringIntoView(node) {
      if (view.k <= 1) {
        return;
      }
      var c = centre();
      view.x = c.x - node.x * view.k;
      view.y = c.y - node.y * view.k;
      apply();
    }

    function act(action) {
      var c = centre();
      if (action === "zoom-in") {
        zoomAt(ZOOM_STEP, c.x, c.y);
      } else if (action === "zoom-out") {
        zoomAt(1 / ZOOM_STEP, c.x, c.y);
      } else {
        view = { k: 1, x: 0, y: 0 };
        apply();
      }
    }

    container.querySelectorAll("[data-graph-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        act(button.dataset.graphAction);
      });
    });

    // With the focus on the drawing: + and - zoom, 0 resets, the arrow keys
    // move the view once zoomed in. Tab still moves on, so nothing traps.
    canvas.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      var key = event.key;
      var step = PAN_STEP * frame.width;
      var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (key === "+" || key === "=") {
        act("zoom-in");
      } else if (key === "-" || key === "_") {
        act("zoom-out");
      } else if (key === "0") {
        act("reset");
      } else if (moves[key] && view.k > 1) {
        view.x += moves[key][0];
        view.y += moves[key][1];
        apply();
      } else {
        return;
      }
      event.preventDefault();
    });

    // The search: the best match by name (a network before a group), highlighted
    // with its links, and brought into view.
    var search = container.querySelector("[data-graph-search]");
    if (search) {
      var input = search.querySelector("input");
      var names = search.querySelector("datalist");
      ranked.forEach(function (node) {
        var option = document.createElement("option");
        option.value = node.name;
        names.appendChild(option);
      });

      var find = function (text) {
        var wanted = text.trim().toLocaleLowerCase();
        if (!wanted) {
          return null;
        }
        var exact = null;
        var starts = null;
        var contains = null;
        ranked.forEach(function (node) {
          var name = node.name.toLocaleLowerCase();
          if (name === wanted) {
            exact = exact || node;
          } else if (name.indexOf(wanted) === 0) {
            starts = starts || node;
          } else if (name.indexOf(wanted) > 0) {
            contains = contains || node;
          }
        });
        return exact || starts || contains;
      };

      var show = function (node) {
        pinned = node;
        svg.querySelectorAll(".is-found").forEach(function (element) {
          element.classList.remove("is-found");
        });
        node.element.classList.add("is-found");
        if (view.k < FOUND_ZOOM) {
          view.k = FOUND_ZOOM;
        }
        var c = centre();
        view.x = c.x - node.x * view.k;
        view.y = c.y - node.y * view.k;
        apply();
        clearHighlight();
      };

      search.addEventListener("submit", function (event) {
        event.preventDefault();
        var node = find(input.value);
        if (node) {
          show(node);
        } else if (input.value.trim()) {
          pinned = null;
          resetHighlight();
          info.textContent = format(words.notFoundFormat, { text: input.value.trim() });
        }
      });
      // Choosing a name from the suggestions finds it at once; emptying the box clears.
      input.addEventListener("input", function () {
        var node = find(input.value);
        if (node && node.name.toLocaleLowerCase() === input.value.trim().toLocaleLowerCase()) {
          show(node);
        } else if (!input.value.trim() && pinned) {
          pinned.element.classList.remove("is-found");
          pinned = null;
          clearHighlight();
        }
      });
    }

    // Pinch on a trackpad (and Ctrl + wheel) zooms at the pointer; a plain
    // wheel keeps scrolling the page.
    svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) {
        return;
      }
      event.preventDefault();
      var rect = svg.getBoundingClientRect();
      var scale = unitsPerPixel();
      var c = centre();
      var px = c.x + (event.clientX - rect.left - rect.width / 2) * scale;
      var py = c.y + (event.clientY - rect.top - rect.height / 2) * scale;
      zoomAt(Math.exp(-event.deltaY * 0.01), px, py);
    }, { passive: false });

    // Dragging moves the view once zoomed in (touch-action lets the page
    // scroll with one finger until then); a drag is never taken as a click.
    var drag = null;
    var dragged = false;
    svg.addEventListener("pointerdown", function (event) {
      if (view.k <= 1 || event.button !== 0) {
        return;
      }
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) {
        return;
      }
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < DRAG_THRESHOLD_PX) {
        return;
      }
      if (!dragged) {
        dragged = true;
        svg.setPointerCapture(event.pointerId);
        svg.classList.add("is-dragging");
      }
      var scale = unitsPerPixel();
      view.x = drag.vx + dx * scale;
      view.y = drag.vy + dy * scale;
      apply();
    });
    function endDrag() {
      drag = null;
      svg.classList.remove("is-dragging");
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);
    svg.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        dragged = false;
      }
    }, true);

    apply();
    placeLabels();
  }

  // On a phone the tables come first: the drawing moves below them (in the
  // page's order too, so reading and tabbing follow what is seen).
  function placeForScreen(container) {
    var slot = document.querySelector("[data-graph-phone-slot]");
    if (!slot || !window.matchMedia) {
      return;
    }
    var home = document.createComment("network graph");
    container.parentNode.insertBefore(home, container);
    var skip = container.querySelector("[data-graph-skip]");
    var phone = window.matchMedia(PHONE_QUERY);
    function place() {
      if (phone.matches) {
        slot.appendChild(container);
      } else {
        home.parentNode.insertBefore(container, home);
      }
      if (skip) {
        skip.hidden = phone.matches;
      }
    }
    place();
    if (phone.addEventListener) {
      phone.addEventListener("change", place);
    }
  }

  function init() {
    document.querySelectorAll("[data-graph-id]").forEach(function (container) {
      placeForScreen(container);
      drawGraph(container);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
