// The clipstream dashboard page: applies the server's updates (server-sent events from /api/updates) to a local
// copy of the board and renders the current page of camera tiles and the alert feed. Plain DOM, no build step.
'use strict';

(function () {
  // COCO keypoint pairs drawn as bones: face, arms, torso, legs.
  const BONES = [[0, 1], [0, 2], [1, 3], [2, 4], [5, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [6, 12],
    [11, 12], [11, 13], [13, 15], [12, 14], [14, 16]];
  const MIN_KEYPOINT_SCORE = 0.2;
  const MAX_ALERTS = 500;
  const MAX_LATENCY_SAMPLES = 2000;

  const board = { cameras: new Map(), alerts: [], models: [], modelChanges: [], totals: null, now: 0 };
  let page = 0;

  // Event-to-screen latency of each label put on the page, for measurement: ms from the event record's Kafka
  // timestamp, and from the moment the dashboard read it, to the moment it is in the DOM.
  window.clipstreamLatency = [];

  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function time(ms) {
    return ms > 0 ? new Date(ms).toLocaleTimeString([], { hour12: false }) : '–';
  }

  function ago(ms, now) {
    if (ms < 0) return 'never';
    const s = Math.max(0, (now - ms) / 1000);
    return s < 60 ? s.toFixed(s < 10 ? 1 : 0) + ' s ago' : Math.round(s / 60) + ' min ago';
  }

  // cam-2 before cam-10
  const collator = new Intl.Collator(undefined, { numeric: true });

  function pageSize() {
    return parseInt($('page-size').value, 10);
  }

  function orderedCameras() {
    return [...board.cameras.keys()].sort(collator.compare);
  }

  function apply(view) {
    if (view.full) {
      board.cameras.clear();
      board.alerts = [];
    }
    for (const tile of view.cameras) {
      const camera = board.cameras.get(tile.id) || {};
      camera.tile = tile;
      board.cameras.set(tile.id, camera);
    }
    const present = new Set();
    for (const health of view.health) {
      present.add(health.id);
      const camera = board.cameras.get(health.id) || { tile: null };
      camera.health = health;
      board.cameras.set(health.id, camera);
    }
    for (const id of [...board.cameras.keys()]) {
      if (!present.has(id)) board.cameras.delete(id);
    }
    if (view.alerts.length) {
      board.alerts = view.alerts.concat(board.alerts).slice(0, MAX_ALERTS);
    }
    board.models = view.models;
    board.modelChanges = view.modelChanges;
    board.totals = view.totals;
    board.now = view.now;
    render();
  }

  function render() {
    renderHeader();
    renderGrid();
    renderAlerts();
  }

  function renderHeader() {
    const models = $('models');
    models.replaceChildren(...board.models.map((m) => el('span', 'model',
      m.name + ' v' + m.version + (m.people ? ' (people)' : ''))));
    const changes = $('model-changes');
    changes.replaceChildren(...board.modelChanges.slice(0, 3).map((c) => el('div', 'model-change',
      c.from === null ? c.name + ' serving version ' + c.to
        : 'Model ' + c.name + ' changed: version ' + c.from + ' → ' + c.to + ' at ' + time(c.at))));
    let live = 0, stalled = 0, offline = 0;
    for (const camera of board.cameras.values()) {
      const state = camera.health ? camera.health.state : 'OFFLINE';
      if (state === 'LIVE') live++; else if (state === 'STALLED') stalled++; else offline++;
    }
    const totals = board.totals;
    $('summary').textContent = board.cameras.size + ' cameras: ' + live + ' live, ' + stalled + ' stalled, '
      + offline + ' offline' + (totals && totals.feedLag > 0 ? ' · dashboard behind by ' + totals.feedLag
        + ' frames' : '') + (totals && totals.camerasEvicted > 0 ? ' · ' + totals.camerasEvicted
        + ' cameras dropped (limit)' : '');
    const letters = $('dead-letters');
    const reasons = totals ? Object.entries(totals.deadLetters) : [];
    letters.replaceChildren(...(reasons.length ? reasons.map(([reason, count]) => el('li', null,
      reason + ': ' + count)) : [el('li', null, 'none')]));
    if (totals) {
      const read = Object.entries(totals.records).map(([topic, n]) => topic + ' ' + n).join(', ');
      const bad = Object.entries(totals.unreadable).map(([topic, n]) => topic + ' ' + n).join(', ');
      $('footer').textContent = 'records read: ' + (read || 'none') + (bad ? ' · unreadable: ' + bad : '')
        + ' · updated ' + time(board.now);
    }
  }

  function renderGrid() {
    const ids = orderedCameras();
    const size = pageSize();
    const pages = Math.max(1, Math.ceil(ids.length / size));
    page = Math.min(page, pages - 1);
    $('page-label').textContent = 'page ' + (page + 1) + ' / ' + pages;
    $('camera-count').textContent = ids.length + ' camera' + (ids.length === 1 ? '' : 's');
    $('no-cameras').style.display = ids.length ? 'none' : '';
    const grid = $('grid');
    grid.style.setProperty('--columns', String(Math.min(Math.ceil(Math.sqrt(size)), Math.max(1, ids.length))));
    const shown = ids.slice(page * size, (page + 1) * size);
    const keep = new Set(shown);
    for (const node of [...grid.children]) {
      if (!keep.has(node.dataset.camera)) node.remove();
    }
    shown.forEach((id, index) => {
      let node = grid.querySelector('.tile[data-camera="' + CSS.escape(id) + '"]');
      if (!node) node = newTile(id);
      if (grid.children[index] !== node) grid.insertBefore(node, grid.children[index] || null);
      updateTile(node, board.cameras.get(id));
    });
  }

  function newTile(id) {
    const node = el('div', 'tile');
    node.dataset.camera = id;
    node.id = 'tile-' + id;
    const head = el('div', 'tile-head');
    head.append(el('span', 'camera-id', id), el('span', 'state'));
    const view = el('div', 'view');
    const img = el('img', 'thumb');
    img.alt = id;
    img.setAttribute('src', '');
    view.append(img, el('canvas', 'overlay'));
    const caption = el('div', 'caption');
    caption.append(el('span', 'label', '…'), el('span', 'score'), el('span', 'topk'));
    node.append(head, view, caption, el('div', 'people'), el('div', 'health'));
    return node;
  }

  function updateTile(node, camera) {
    const tile = camera.tile;
    const health = camera.health;
    const state = node.querySelector('.state');
    state.className = 'state ' + (health ? health.state : 'OFFLINE');
    state.textContent = health ? health.state.toLowerCase() : 'offline';
    // a tile object is replaced only when the server sends a change; the view is redrawn when it is resized
    const view = node.querySelector('.view');
    if (node.shownTile !== tile || node.shownWidth !== view.clientWidth) {
      node.shownTile = tile;
      node.shownWidth = view.clientWidth;
      updateView(node, tile);
    }
    updateHealth(node, health);
  }

  function updateView(node, tile) {
    const img = node.querySelector('img');
    if (tile && tile.thumbnailVersion > 0 && img.dataset.version !== String(tile.thumbnailVersion)) {
      img.dataset.version = String(tile.thumbnailVersion);
      img.src = '/api/thumbnail?camera=' + encodeURIComponent(tile.id) + '&v=' + tile.thumbnailVersion;
    }
    const view = node.querySelector('.view');
    const frame = tile && tile.people;
    if (tile && tile.thumbnailWidth > 0) {
      view.style.aspectRatio = tile.thumbnailWidth + ' / ' + tile.thumbnailHeight;
    } else if (frame) {
      view.style.aspectRatio = frame.width + ' / ' + frame.height;
    }
    drawPeople(node.querySelector('canvas'), tile);
    const event = tile && tile.event;
    const label = node.querySelector('.label');
    if (event && label.dataset.eventId !== event.eventId) {
      label.dataset.eventId = event.eventId;
      label.textContent = event.label;
      node.querySelector('.score').textContent = event.score.toFixed(2);
      node.querySelector('.topk').textContent = event.topK.slice(1).map((s) => s.label + ' '
        + s.score.toFixed(2)).join(' · ');
      node.dataset.label = event.label;
      recordLatency(event);
    } else if (!event && tile && tile.personEvents.length) {
      label.textContent = tile.personEvents.length + (tile.personEvents.length === 1 ? ' person' : ' people');
    }
    const people = node.querySelector('.people');
    people.textContent = tile && tile.personEvents.length ? tile.personEvents.map((p) => '#' + p.trackId + ' '
      + p.label + ' ' + p.score.toFixed(2)).join(' · ') : '';
    if (tile) {
      for (const p of tile.personEvents) {
        const key = 'track' + p.trackId;
        if (node.dataset[key] !== p.eventId) {
          node.dataset[key] = p.eventId;
          recordLatency(p);
        }
      }
    }
  }

  function updateHealth(node, health) {
    const h = node.querySelector('.health');
    if (health) {
      const parts = [
        health.framesPerSecond > 0 || health.posesPerSecond === 0 ? health.framesPerSecond.toFixed(1) + ' frames/s'
          : health.posesPerSecond.toFixed(1) + ' poses/s',
        'job lag ' + (health.jobLag < 0 ? '–' : health.jobLag),
        'dropped ' + health.dropped,
        'last ' + ago(health.lastInput, board.now)];
      h.replaceChildren(...parts.map((p) => el('span', null, p)));
      const letters = Object.entries(health.deadLetters);
      if (letters.length) {
        h.append(el('span', 'letters', 'dead letters: ' + letters.map(([r, n]) => r + ' ' + n).join(', ')));
      }
    }
  }

  function recordLatency(event) {
    const now = Date.now();
    const samples = window.clipstreamLatency;
    samples.push({ eventId: event.eventId, fromRecordMs: now - event.recordTime, fromReadMs: now - event.receivedAt });
    if (samples.length > MAX_LATENCY_SAMPLES) samples.splice(0, samples.length - MAX_LATENCY_SAMPLES);
  }

  function drawPeople(canvas, tile) {
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!tile) return;
    const labels = new Map(tile.personEvents.map((p) => [p.trackId, p]));
    const frame = tile.people;
    g.lineWidth = 2;
    g.font = '12px system-ui, sans-serif';
    if (frame) {
      const sx = width / frame.width;
      const sy = height / frame.height;
      for (const person of frame.people) {
        const color = person.trackId < 0 ? '#8a93a3' : 'hsl(' + ((person.trackId * 67) % 360) + ', 80%, 60%)';
        g.strokeStyle = color;
        g.fillStyle = color;
        const [x0, y0, x1, y1] = person.box;
        g.strokeRect(x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy);
        const k = person.keypoints;
        for (const [a, b] of BONES) {
          if (k[3 * a + 2] < MIN_KEYPOINT_SCORE || k[3 * b + 2] < MIN_KEYPOINT_SCORE) continue;
          g.beginPath();
          g.moveTo(k[3 * a] * sx, k[3 * a + 1] * sy);
          g.lineTo(k[3 * b] * sx, k[3 * b + 1] * sy);
          g.stroke();
        }
        const labelled = labels.get(person.trackId);
        g.fillText('#' + person.trackId + (labelled ? ' ' + labelled.label : ''), x0 * sx + 2,
          Math.max(12, y0 * sy - 3));
      }
    } else {
      for (const p of tile.personEvents) {
        if (!p.box) continue;
        const sx = width / p.box.frameWidth;
        const sy = height / p.box.frameHeight;
        g.strokeStyle = '#58a6ff';
        g.fillStyle = '#58a6ff';
        g.strokeRect(p.box.xMin * sx, p.box.yMin * sy, (p.box.xMax - p.box.xMin) * sx, (p.box.yMax - p.box.yMin) * sy);
        g.fillText('#' + p.trackId + ' ' + p.label, p.box.xMin * sx + 2, Math.max(12, p.box.yMin * sy - 3));
      }
    }
  }

  function syncOptions(select, values) {
    const have = new Set([...select.options].map((o) => o.value));
    for (const value of [...values].sort(collator.compare)) {
      if (!have.has(value)) select.append(new Option(value, value));
    }
  }

  function renderAlerts() {
    syncOptions($('alert-camera'), new Set(board.alerts.map((a) => a.camera)));
    syncOptions($('alert-rule'), new Set(board.alerts.map((a) => a.rule)));
    const camera = $('alert-camera').value;
    const rule = $('alert-rule').value;
    const list = $('alerts');
    const shown = board.alerts.filter((a) => (!camera || a.camera === camera) && (!rule || a.rule === rule));
    const have = new Map([...list.children].map((node) => [node.dataset.alertId, node]));
    const nodes = shown.map((a) => have.get(a.alertId) || newAlert(a));
    list.replaceChildren(...nodes);
    $('no-alerts').style.display = board.alerts.length ? 'none' : '';
  }

  function newAlert(alert) {
    const node = el('li', 'alert');
    node.dataset.alertId = alert.alertId;
    node.dataset.camera = alert.camera;
    node.dataset.rule = alert.rule;
    node.dataset.label = alert.label;
    const line = el('div');
    const link = el('a', 'alert-camera', alert.camera);
    link.addEventListener('click', () => showCamera(alert.camera));
    line.append(el('span', 'alert-rule', alert.rule), document.createTextNode(' on '), link,
      document.createTextNode(alert.trackId !== null ? ' person #' + alert.trackId : ''));
    const what = el('div');
    what.append(el('span', 'alert-label', alert.label), document.createTextNode(' ' + alert.score.toFixed(2)
      + (alert.eventCount > 1 ? ' (' + alert.eventCount + ' clips)' : '')));
    node.append(el('div', 'when', time(alert.lastEventTime)), line, what);
    return node;
  }

  function showCamera(id) {
    const index = orderedCameras().indexOf(id);
    if (index < 0) return;
    page = Math.floor(index / pageSize());
    renderGrid();
    const node = $('grid').querySelector('.tile[data-camera="' + CSS.escape(id) + '"]');
    if (node) {
      node.scrollIntoView({ block: 'nearest' });
      node.classList.add('flash');
      setTimeout(() => node.classList.remove('flash'), 3000);
    }
  }

  function connect() {
    const source = new EventSource('/api/updates');
    source.onopen = () => {
      $('connection').className = 'connection up';
      $('connection').textContent = 'live';
    };
    source.onmessage = (message) => apply(JSON.parse(message.data));
    source.onerror = () => {
      // EventSource reconnects by itself; the first message after that is a full view
      $('connection').className = 'connection down';
      $('connection').textContent = 'reconnecting…';
    };
  }

  $('prev-page').addEventListener('click', () => { page = Math.max(0, page - 1); renderGrid(); });
  $('next-page').addEventListener('click', () => { page += 1; renderGrid(); });
  $('page-size').addEventListener('change', () => { page = 0; renderGrid(); });
  $('alert-camera').addEventListener('change', renderAlerts);
  $('alert-rule').addEventListener('change', renderAlerts);
  connect();
})();
