/* The partner graph: draws /netzwerke/graph.json as SVG with a d3-force layout.
 *
 * The page works without it (the table of relations is the page); this adds the
 * drawing, keyboard navigation with a live description, zoom and the SVG download.
 * Colours are SVG presentation attributes, so a downloaded file looks the same.
 */
(function () {
  "use strict";

  var section = document.getElementById("graph-section");
  if (!section || !window.d3 || !window.fetch || !window.d3.forceSimulation) {
    return;
  }
  var text = section.dataset;
  var canvas = document.getElementById("graph-canvas");
  var focusPanel = document.getElementById("graph-focus");
  var SVGNS = "http://www.w3.org/2000/svg";
  // The layout stops after this long or after LAYOUT_TICKS steps, whichever comes first;
  // the start positions (networks on a ring, members beside their network) are close.
  var LAYOUT_MS = 450;
  var LAYOUT_TICKS = 150;
  var GROUP_RANK = { network: 0, external: 1, member: 2 };
  var STYLE = {
    network: { fill: "#00549f", r: 9 },
    external: { fill: "#b45309", r: 7 },
    member: { fill: "#6b7280", r: 3.5 },
    memberEdge: { stroke: "#a3acb8", width: 0.6 },
    partnerEdge: { stroke: "#b45309", width: 2.2, dash: "6 3" },
  };

  section.hidden = false;

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  function byRankAndName(a, b) {
    return GROUP_RANK[a.group] - GROUP_RANK[b.group] || a.name.localeCompare(b.name, "de");
  }

  function groupLabel(node) {
    return text["label" + node.group.charAt(0).toUpperCase() + node.group.slice(1)];
  }

  function hash(value) {
    var h = 2166136261;
    for (var i = 0; i < value.length; i++) {
      h = Math.imul(h ^ value.charCodeAt(i), 16777619);
    }
    return ((h >>> 0) % 10000) / 10000;
  }

  function layout(nodes, links) {
    var networks = nodes.filter(function (n) { return n.group === "network"; });
    var radius = 140 + 28 * networks.length;
    networks.forEach(function (n, i) {
      var angle = (2 * Math.PI * i) / Math.max(networks.length, 1);
      n.x = radius * Math.cos(angle);
      n.y = radius * Math.sin(angle);
    });
    // Start every other node beside its first neighbour that is placed: the layout
    // then only has to settle, which takes a few hundred ticks at most.
    nodes.forEach(function (n) {
      if (n.group === "network") {
        return;
      }
      var anchor = n.neighbours.find(function (m) { return m.group === "network"; });
      var angle = 2 * Math.PI * hash(n.id);
      var distance = (n.group === "external" ? 120 : 30) + 90 * hash(n.id + "r");
      n.x = (anchor ? anchor.x : 0) + distance * Math.cos(angle);
      n.y = (anchor ? anchor.y : 0) + distance * Math.sin(angle);
    });
    var simulation = d3
      .forceSimulation(nodes)
      .force(
        "link",
        d3.forceLink(links)
          .distance(function (l) { return l.relation === "partner" ? 220 : 45; })
          .strength(function (l) {
            return l.relation === "partner" ? 0.2 : 1 / Math.min(l.source.degree, l.target.degree);
          })
      )
      .force(
        "charge",
        d3.forceManyBody()
          .strength(function (n) { return n.group === "member" ? -8 : -400; })
          .distanceMax(400)
      )
      .force("x", d3.forceX(0).strength(0.015))
      .force("y", d3.forceY(0).strength(0.015))
      .alphaDecay(1 - Math.pow(0.001, 1 / LAYOUT_TICKS))
      .stop();
    var started = performance.now();
    for (var i = 0; i < LAYOUT_TICKS && performance.now() - started < LAYOUT_MS; i++) {
      simulation.tick();
    }
  }

  function describe(node) {
    var parts = [node.name + ", " + (node.group === "external" ? groupLabel(node) : node.kind)];
    if (node.place) {
      parts[0] += ", " + node.place;
    }
    var members = node.neighbours.filter(function (m) { return node.memberOf.indexOf(m) < 0 && m.linkTo[node.id] === "member"; });
    var partners = node.neighbours.filter(function (m) { return m.linkTo[node.id] === "partner"; });
    var counts = [];
    if (node.group === "network") {
      counts.push(members.length + " " + text.textMembers);
    }
    if (node.memberOf.length) {
      counts.push(text.textMemberOf + " " + node.memberOf.length + " " + text.textNetworks);
    }
    if (partners.length) {
      counts.push(partners.length + " " + text.textPartners);
    }
    if (counts.length) {
      parts.push(counts.join(", "));
    }
    var names = node.neighbours.slice(0, 6).map(function (m) { return m.name; });
    if (names.length) {
      var more = node.neighbours.length - names.length;
      parts.push(text.textConnected + ": " + names.join("; ") + (more > 0 ? " (+" + more + " " + text.textMore + ")" : ""));
    }
    return parts.join(". ") + ".";
  }

  function draw(data) {
    var byId = new Map();
    data.nodes.forEach(function (n) {
      n.neighbours = [];
      n.memberOf = [];
      n.linkTo = {};
      n.degree = 0;
      byId.set(n.id, n);
    });
    var links = data.edges.map(function (e) {
      var a = byId.get(e.source);
      var b = byId.get(e.target);
      a.neighbours.push(b);
      b.neighbours.push(a);
      a.degree += 1;
      b.degree += 1;
      a.linkTo[b.id] = e.relation;
      b.linkTo[a.id] = e.relation;
      if (e.relation === "member") {
        a.memberOf.push(b);
      }
      return { source: a, target: b, relation: e.relation, label: e.label };
    });
    var nodes = data.nodes.slice().sort(byRankAndName);
    nodes.forEach(function (n, i) {
      n.index0 = i;
      n.neighbours.sort(byRankAndName);
    });
    if (!nodes.length) {
      canvas.textContent = text.textEmpty;
      section.dataset.graphReady = "0";
      return;
    }
    layout(nodes, links);

    // Labels run to the right of networks and outside partners: keep them in view.
    var xs = nodes.map(function (n) { return n.group === "member" ? n.x : n.x + 25 + 7 * n.name.length; });
    var ys = nodes.map(function (n) { return n.y; });
    var pad = 40;
    var left = Math.min.apply(null, nodes.map(function (n) { return n.x; }));
    var full = {
      x: left - pad,
      y: Math.min.apply(null, ys) - pad,
      w: Math.max.apply(null, xs) - left + 2 * pad,
      h: Math.max.apply(null, ys) - Math.min.apply(null, ys) + 2 * pad,
    };
    var view = Object.assign({}, full);

    var svg = el("svg", {
      xmlns: SVGNS,
      role: "group",
      "aria-label": text.textGraph,
      "aria-describedby": "graph-help",
      // Chromium would put the drawing itself in the tab order, before its nodes.
      tabindex: "-1",
      class: "graph-svg",
    });
    el("title", {}, svg).textContent = text.textGraph;
    var edgeLayer = el("g", { class: "graph-edges", "aria-hidden": "true" }, svg);
    var nodeLayer = el("g", { class: "graph-nodes" }, svg);
    var labelLayer = el("g", { class: "graph-labels", "aria-hidden": "true" }, svg);

    links.forEach(function (l) {
      var style = l.relation === "partner" ? STYLE.partnerEdge : STYLE.memberEdge;
      var attrs = {
        x1: l.source.x.toFixed(1),
        y1: l.source.y.toFixed(1),
        x2: l.target.x.toFixed(1),
        y2: l.target.y.toFixed(1),
        stroke: style.stroke,
        "stroke-width": style.width,
      };
      if (style.dash) {
        attrs["stroke-dasharray"] = style.dash;
      }
      l.element = el("line", attrs, edgeLayer);
      l.element.classList.add("edge-" + l.relation);
      l.source.lines = (l.source.lines || []).concat([l.element]);
      l.target.lines = (l.target.lines || []).concat([l.element]);
    });

    nodes.forEach(function (n) {
      var style = STYLE[n.group];
      var r = n.group === "network" ? Math.min(style.r + Math.sqrt(n.degree) / 1.5, 24) : style.r;
      var g = el("g", {
        class: "graph-node node-" + n.group,
        tabindex: "-1",
        role: "button",
        "aria-label": n.name + ", " + groupLabel(n),
        "data-id": n.id,
        transform: "translate(" + n.x.toFixed(1) + " " + n.y.toFixed(1) + ")",
      }, nodeLayer);
      el("circle", { r: r.toFixed(1), fill: style.fill, stroke: "#ffffff", "stroke-width": 1 }, g);
      el("title", {}, g).textContent = n.name;
      n.element = g;
      if (n.group !== "member") {
        var label = el("text", {
          x: (n.x + r + 3).toFixed(1),
          y: (n.y + 4).toFixed(1),
          "font-size": n.group === "network" ? 13 : 11,
          "font-family": "sans-serif",
          fill: "#1a1a1a",
          stroke: "#ffffff",
          "stroke-width": 3,
          "paint-order": "stroke",
        }, labelLayer);
        label.textContent = n.name;
      }
    });

    function applyView() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map(function (v) { return v.toFixed(1); }).join(" "));
    }
    applyView();
    canvas.appendChild(svg);

    var current = nodes[0];
    var hub = nodes[0];
    var neighbourIndex = -1;
    current.element.setAttribute("tabindex", "0");

    function highlight(node) {
      svg.querySelectorAll(".is-current, .is-neighbour, .is-lit").forEach(function (item) {
        item.classList.remove("is-current", "is-neighbour", "is-lit");
      });
      node.element.classList.add("is-current");
      node.neighbours.forEach(function (m) { m.element.classList.add("is-neighbour"); });
      (node.lines || []).forEach(function (line) { line.classList.add("is-lit"); });
    }

    function announce(node) {
      focusPanel.textContent = "";
      var p = document.createElement("p");
      p.textContent = describe(node);
      focusPanel.appendChild(p);
      if (node.url) {
        var a = document.createElement("a");
        a.href = node.url;
        a.textContent = text.textOpen + " " + node.name;
        var q = document.createElement("p");
        q.appendChild(a);
        focusPanel.appendChild(q);
      }
    }

    function keepInView(node) {
      if (node.x < view.x || node.x > view.x + view.w || node.y < view.y || node.y > view.y + view.h) {
        view.x = node.x - view.w / 2;
        view.y = node.y - view.h / 2;
        applyView();
      }
    }

    function moveTo(node, asHub) {
      current.element.setAttribute("tabindex", "-1");
      current = node;
      if (asHub) {
        hub = node;
        neighbourIndex = -1;
      }
      node.element.setAttribute("tabindex", "0");
      keepInView(node);
      node.element.focus();
    }

    function zoom(factor) {
      var cx = current ? current.x : view.x + view.w / 2;
      var cy = current ? current.y : view.y + view.h / 2;
      view.w = Math.min(full.w * 1.5, Math.max(80, view.w * factor));
      view.h = Math.min(full.h * 1.5, Math.max(60, view.h * factor));
      view.x = cx - view.w / 2;
      view.y = cy - view.h / 2;
      applyView();
    }

    function reset() {
      view = Object.assign({}, full);
      applyView();
    }

    svg.addEventListener("focusin", function (event) {
      var g = event.target.closest(".graph-node");
      if (!g) {
        return;
      }
      var node = byId.get(g.getAttribute("data-id"));
      if (node !== current) {
        current.element.setAttribute("tabindex", "-1");
        current = node;
        node.element.setAttribute("tabindex", "0");
      }
      highlight(node);
      announce(node);
    });

    svg.addEventListener("click", function (event) {
      var g = event.target.closest(".graph-node");
      if (g) {
        moveTo(byId.get(g.getAttribute("data-id")), true);
      }
    });

    svg.addEventListener("keydown", function (event) {
      var handled = true;
      switch (event.key) {
        case "ArrowDown":
          moveTo(nodes[Math.min(current.index0 + 1, nodes.length - 1)], true);
          break;
        case "ArrowUp":
          moveTo(nodes[Math.max(current.index0 - 1, 0)], true);
          break;
        case "Home":
          moveTo(nodes[0], true);
          break;
        case "End":
          moveTo(nodes[nodes.length - 1], true);
          break;
        case "ArrowRight":
        case "ArrowLeft":
          if (hub.neighbours.length) {
            var step = event.key === "ArrowRight" ? 1 : -1;
            var count = hub.neighbours.length;
            neighbourIndex = neighbourIndex < 0 && step < 0 ? count - 1 : (neighbourIndex + step + count) % count;
            moveTo(hub.neighbours[neighbourIndex], false);
          }
          break;
        case "Enter":
        case " ":
          moveTo(current, true);
          announce(current);
          break;
        case "+":
        case "=":
          zoom(0.6);
          break;
        case "-":
          zoom(1 / 0.6);
          break;
        case "0":
          reset();
          break;
        default:
          handled = false;
      }
      if (handled) {
        event.preventDefault();
      }
    });

    function download() {
      var copy = svg.cloneNode(true);
      copy.setAttribute("viewBox", [full.x, full.y, full.w, full.h].join(" "));
      copy.setAttribute("width", Math.round(full.w));
      copy.setAttribute("height", Math.round(full.h));
      copy.removeAttribute("class");
      copy.removeAttribute("tabindex");
      copy.querySelectorAll("[tabindex]").forEach(function (item) { item.removeAttribute("tabindex"); });
      var background = el("rect", { x: full.x, y: full.y, width: full.w, height: full.h, fill: "#ffffff" });
      copy.insertBefore(background, copy.firstChild.nextSibling);
      var source = '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
      var url = URL.createObjectURL(new Blob([source], { type: "image/svg+xml" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = "partnergraph.svg";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }

    section.querySelectorAll("[data-graph-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-graph-action");
        if (action === "zoom-in") { zoom(0.6); }
        else if (action === "zoom-out") { zoom(1 / 0.6); }
        else if (action === "reset") { reset(); }
        else if (action === "svg") { download(); }
      });
    });

    highlight(current);
    announce(current);
    section.dataset.graphMs = String(Math.round(performance.now()));
    section.dataset.graphReady = String(nodes.length);
  }

  // The page preloads the same address (its <head>), so this finds the answer waiting.
  fetch(text.src, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function () {
      section.hidden = true;
    });
})();
