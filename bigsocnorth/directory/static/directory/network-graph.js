/*
 * Draws the network graph: networks and their members as circles in an SVG,
 * placed by a force layout (d3-force), from the JSON the page embeds with
 * json_script. Each circle is a link to the entry's page; pointing at or
 * tabbing to one highlights its links and says who they are. Zoom buttons,
 * a reset, and dragging (when zoomed in) move the view.
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
    // Many names would cover each other: then only networks are named, and
    // an entry's name shows when it (or a neighbour) is highlighted.
    var labelEveryone = nodes.length <= (narrow ? 16 : 60);
    var labelPx = narrow ? LABEL_PX_NARROW : LABEL_PX;

    function isLabelled(node) {
      return node.is_network || labelEveryone;
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
        "class": "graph-label" + (isLabelled(node) ? "" : " is-optional"),
        y: r + 1,
        dy: "1em",
        "text-anchor": "middle"
      });
      label.textContent = node.name;
      anchor.appendChild(label);
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

    function highlight(node) {
      clearHighlight();
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
    }

    function clearHighlight() {
      svg.classList.remove("is-highlighting");
      svg.querySelectorAll(".is-active").forEach(function (element) {
        element.classList.remove("is-active");
      });
      info.textContent = defaultInfo;
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

    container.querySelectorAll("[data-graph-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var c = centre();
        var action = button.dataset.graphAction;
        if (action === "zoom-in") {
          zoomAt(ZOOM_STEP, c.x, c.y);
        } else if (action === "zoom-out") {
          zoomAt(1 / ZOOM_STEP, c.x, c.y);
        } else {
          view = { k: 1, x: 0, y: 0 };
          apply();
        }
      });
    });

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
  }

  function init() {
    document.querySelectorAll("[data-graph-id]").forEach(drawGraph);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
