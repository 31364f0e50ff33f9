// @ts-check
// The release dashboard's script. It renders what the extension posts and posts actions
// back; filters survive hiding through the webview state.
(function () {
  // @ts-ignore acquireVsCodeApi is provided by VS Code
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() || {};
  const filters = { state: saved.state || '', owner: saved.owner || '', env: saved.env || '', text: saved.text || '' };
  /** Sort column ('path', 'owners', 'state' or an environment) and direction. */
  const sort = { key: saved.sortKey || 'path', descending: !!saved.descending };
  /** Rows are drawn only around what is visible: a fixed height per row, spacers for the rest. */
  const ROW_HEIGHT = 30;
  const OVERSCAN = 20;
  /** @type {any[]} */
  let rows = [];
  const STATE_ORDER = ['changes-requested', 'in-review', 'approved', 'modified', 'draft', 'released'];
  /** @type {any} */
  let current = null;

  const STATE_ICONS = {
    draft: 'edit',
    'in-review': 'eye',
    'changes-requested': 'request-changes',
    approved: 'pass',
    released: 'rocket',
    modified: 'diff-modified',
  };
  const STATE_NAMES = {
    'changes-requested': 'Changes requested',
    'in-review': 'In review',
    approved: 'Approved',
    modified: 'Modified since release',
    draft: 'Draft',
    released: 'Released',
  };
  const ATTENTION_ICONS = { disputed: 'bell-dot', overdue: 'bell', 'review-due': 'history' };
  const ACTIONS = [
    ['open', 'go-to-file', 'Open'],
    ['diff', 'diff', 'Diff with production'],
    ['approve', 'check', 'Approve'],
    ['requestChanges', 'request-changes', 'Request changes'],
    ['release', 'rocket', 'Release'],
    ['history', 'history', 'History'],
  ];

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** @param {string} tag @param {Record<string,string>} [attrs] @param {(Node|string)[]} [children] */
  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const child of children) node.append(child);
    return node;
  }

  const icon = (/** @type {string} */ name) => el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });

  function fillSelect(/** @type {string} */ id, /** @type {[string,string][]} */ options, /** @type {string} */ value) {
    const select = /** @type {HTMLSelectElement} */ ($(id));
    const first = select.options[0];
    select.replaceChildren(first, ...options.map(([v, label]) => el('option', { value: v }, [label])));
    select.value = options.some(([v]) => v === value) ? value : '';
  }

  function render() {
    if (!current) return;
    const { status, data } = current;
    if (status === 'untrusted') {
      $('status').textContent = 'Restricted Mode: Prompt Release runs no git here, so there is nothing to show until you trust this folder.';
    }
    fillSelect('filter-state', Object.entries(STATE_NAMES), filters.state);
    fillSelect('filter-owner', [['-', 'No owner'], ...data.owners.map((/** @type {string} */ o) => [o, o])], filters.owner);
    fillSelect('filter-env', data.environments.map((/** @type {string} */ e) => [e, `Released to ${e}`]), filters.env);

    const text = filters.text.trim().toLowerCase();
    rows = data.prompts.filter((/** @type {any} */ p) => {
      if (filters.state && p.state !== filters.state) return false;
      if (filters.owner === '-' && p.owners.length) return false;
      if (filters.owner && filters.owner !== '-' && !p.owners.includes(filters.owner)) return false;
      if (filters.env && !p.versions[filters.env]) return false;
      if (text && !p.path.toLowerCase().includes(text) && !p.owners.some((/** @type {string} */ o) => o.toLowerCase().includes(text))) return false;
      return true;
    });
    rows.sort(compare);
    if (status !== 'untrusted') $('status').textContent = `${rows.length} of ${data.prompts.length} prompts`;
    renderSummary(data);

    const header = (/** @type {string} */ key, /** @type {string} */ label) => {
      const active = sort.key === key;
      const button = el('button', { type: 'button', class: 'sort', 'data-sort': key, 'aria-label': `Sort by ${label}` }, [label, active ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : '']);
      button.addEventListener('click', () => {
        sort.descending = sort.key === key ? !sort.descending : false;
        sort.key = key;
        save();
        render();
      });
      return el('th', { scope: 'col', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none' }, [button]);
    };
    const head = el('tr', {}, [
      header('path', 'Prompt'),
      header('owners', 'Owners'),
      header('state', 'State'),
      ...data.environments.map((/** @type {string} */ e) => header(e, e)),
      el('th', { scope: 'col', class: 'actions-column' }, [el('span', { class: 'sr-only' }, ['Actions'])]),
    ]);
    const table = /** @type {HTMLTableElement} */ ($('prompts'));
    table.tHead?.replaceChildren(head);
    table.setAttribute('aria-rowcount', String(rows.length + 1));
    drawRows();
    const when = (/** @type {string} */ iso) => iso.slice(0, 16).replace('T', ' ');
    $('releases').replaceChildren(
      ...(data.recentReleases.length ? data.recentReleases.map((/** @type {any} */ r) => el('li', {}, [icon('rocket'), ` ${r.path} v${r.version} → ${r.environment} `, el('span', { class: 'muted' }, [`by ${r.by}, ${when(r.at)} · `]), el('span', { class: r.signed ? 'signed' : 'unsigned', title: r.signature }, [icon(r.signed ? 'verified' : 'unverified'), ` ${r.signature}`])])) : [el('li', { class: 'muted' }, ['No releases yet.'])]),
    );
    $('pending').replaceChildren(
      ...(data.pendingReviews.length ? data.pendingReviews.map((/** @type {any} */ r) => el('li', {}, [icon('eye'), ` ${r.path}: ${r.what} `, el('span', { class: 'muted' }, [when(r.at)])])) : [el('li', { class: 'muted' }, ['Nothing is waiting for review.'])]),
    );
  }

  /** The rows in view, plus some around them; spacer rows keep the scrollbar true. */
  function drawRows() {
    if (!current) return;
    const { data } = current;
    const scroller = $('scroller');
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil((scroller.clientHeight || 600) / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(rows.length, first + visible);
    const columns = 4 + data.environments.length;
    const spacer = (/** @type {number} */ count) => el('tr', { class: 'spacer', 'aria-hidden': 'true', style: `height:${count * ROW_HEIGHT}px` }, [el('td', { colspan: String(columns) })]);
    const table = /** @type {HTMLTableElement} */ ($('prompts'));
    table.tBodies[0].replaceChildren(
      ...(first > 0 ? [spacer(first)] : []),
      ...rows.slice(first, last).map((/** @type {any} */ p, i) => row(p, data, first + i)),
      ...(last < rows.length ? [spacer(rows.length - last)] : []),
    );
  }

  function row(/** @type {any} */ p, /** @type {any} */ data, /** @type {number} */ index) {
    const buttons = ACTIONS.filter(([action]) => action !== 'diff' || p.released).map(([action, codicon, label]) => {
      const button = el('button', { type: 'button', title: `${label}: ${p.path}`, 'aria-label': `${label} ${p.path}`, 'data-action': action }, [icon(codicon)]);
      button.addEventListener('click', () => post(action, p));
      return button;
    });
    const tr = el('tr', { 'data-path': p.path, tabindex: '0', 'aria-rowindex': String(index + 2), 'aria-label': `${p.path}, ${p.stateLabel}${p.feedback ? `, ${p.feedback.label}` : ''}${p.reviewDue && p.reviewDue.length ? `, review due in ${p.reviewDue.join(', ')}` : ''}` }, [
      el('td', { class: 'path' }, [
        p.path,
        ...(p.feedback ? [' ', el('span', { class: `feedback${p.feedback.bad ? ' feedback-bad' : ''}`, title: p.feedback.label, 'aria-label': p.feedback.label }, [icon('feedback'), ` ${p.feedback.open}`])] : []),
        ...(p.signed ? [' ', el('span', { class: p.signatures.every((/** @type {any} */ s) => s.signed) ? 'signed' : 'unsigned', title: p.signatures.map((/** @type {any} */ s) => `${s.by}: ${s.text}`).join('\n'), 'aria-label': p.signed }, [icon(p.signatures.every((/** @type {any} */ s) => s.signed) ? 'verified' : 'unverified')])] : []),
        ...(p.reviewDue && p.reviewDue.length ? [' ', el('span', { class: 'attention-review-due', title: `Review due in ${p.reviewDue.join(', ')}`, 'aria-label': `Review due in ${p.reviewDue.join(', ')}` }, [icon('bell')])] : []),
      ]),
      el('td', p.owners.length ? {} : { class: 'unowned' }, [p.owners.length ? p.owners.join(', ') : 'no owner']),
      el('td', {}, [el('span', { class: `state state-${p.state}` }, [icon(STATE_ICONS[p.state]), p.stateLabel])]),
      ...data.environments.map((/** @type {string} */ e) => {
        const v = p.versions[e];
        return el('td', {}, [v ? `v${v.version}` : el('span', { class: 'muted' }, ['—']), el('span', { class: 'muted' }, [` · ${p.approvals[e] ?? ''}`])]);
      }),
      el('td', { class: 'actions-column' }, [el('div', { class: 'actions' }, buttons)]),
    ]);
    // Keyboard: Enter opens the prompt, arrows move between rows.
    tr.addEventListener('keydown', (event) => {
      if (event.target !== tr) return;
      if (event.key === 'Enter') post('open', p);
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const sibling = /** @type {HTMLElement|null} */ (event.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling);
        if (sibling && !sibling.classList.contains('spacer')) sibling.focus();
      }
    });
    return tr;
  }

  function post(/** @type {string} */ action, /** @type {any} */ p) {
    vscode.postMessage({ type: 'action', action, root: p.root, path: p.path });
  }

  function compare(/** @type {any} */ a, /** @type {any} */ b) {
    const key = sort.key;
    /** @param {any} p */
    const value = (p) => {
      if (key === 'path') return p.path;
      if (key === 'owners') return p.owners.join(', ') || '~';
      if (key === 'state') return String(STATE_ORDER.indexOf(p.state)).padStart(2, '0');
      const v = p.versions[key];
      return v ? String(v.version).padStart(6, '0') : '';
    };
    const order = value(a).localeCompare(value(b)) || a.path.localeCompare(b.path);
    return sort.descending ? -order : order;
  }

  function renderSummary(/** @type {any} */ data) {
    $('states').replaceChildren(
      ...STATE_ORDER.filter((s) => data.states[s]).map((s) => {
        const chip = el('button', { type: 'button', class: `chip state-${s}`, 'aria-pressed': String(filters.state === s), 'aria-label': `${data.states[s]} ${STATE_NAMES[s]}: show only these` }, [icon(STATE_ICONS[s]), ` ${data.states[s]} ${STATE_NAMES[s]}`]);
        chip.addEventListener('click', () => {
          filters.state = filters.state === s ? '' : s;
          save();
          render();
        });
        return chip;
      }),
    );
    $('pipeline').replaceChildren(
      ...data.pipeline.map((/** @type {any} */ stage) =>
        el('li', { class: 'stage' }, [
          el('strong', {}, [stage.environment]),
          el('span', {}, [`${stage.live} live`]),
          el('span', { class: 'state-approved' }, [`${stage.ready} ready`]),
          el('span', { class: stage.blocked ? 'state-changes-requested' : 'muted' }, [`${stage.blocked} blocked`]),
          ...(data.reviewDue && data.reviewDue[stage.environment] ? [el('span', { class: 'attention-review-due' }, [icon('bell'), ` ${data.reviewDue[stage.environment]} review due`])] : []),
        ]),
      ),
    );
    const item = (/** @type {any} */ entry, /** @type {(Node|string)[]} */ extra) => {
      const open = el('button', { type: 'button', class: 'link', 'aria-label': `Open ${entry.path}` }, [entry.path]);
      open.addEventListener('click', () => post('open', entry));
      return el('li', {}, [open, ...extra]);
    };
    /** @type {HTMLButtonElement} */ ($('release-all')).disabled = data.ready.length === 0;
    $('ready').replaceChildren(
      ...(data.ready.length
        ? data.ready.map((/** @type {any} */ r) => {
            const go = el('button', { type: 'button', 'aria-label': `Release ${r.path} to ${r.environment}`, title: `Release to ${r.environment}` }, [icon('rocket')]);
            go.addEventListener('click', () => post('release', r));
            return item(r, [el('span', { class: 'muted' }, [` → ${r.environment} `]), go]);
          })
        : [el('li', { class: 'muted' }, ['Nothing is ready to release.'])]),
    );
    $('blocked').replaceChildren(
      ...(data.blocked.length
        ? data.blocked.map((/** @type {any} */ b) => {
            // The first reason in the line, all of them in its tooltip.
            const more = b.reasons.length > 1 ? ` (+${b.reasons.length - 1} more)` : '';
            const entry = item(b, [el('span', { class: 'muted' }, [` → ${b.environment}: `]), el('span', { class: 'reason' }, [`${b.reasons[0] ?? ''}${more}`])]);
            entry.setAttribute('title', b.reasons.join('\n'));
            return entry;
          })
        : [el('li', { class: 'muted' }, ['Nothing is blocked.'])]),
    );
    const attention = data.attention || [];
    $('attention').replaceChildren(
      ...(attention.length
        ? attention.map((/** @type {any} */ a) => {
            const since = a.since ? ` since ${a.since.slice(0, 10)}` : '';
            const entry = item(a, [
              ' ',
              el('span', { class: `attention attention-${a.kind}` }, [icon(ATTENTION_ICONS[a.kind] || 'bell'), ` ${a.label}${a.environment ? ` in ${a.environment}` : ''}`]),
              el('span', { class: 'muted' }, [`${since}: `]),
              el('span', { class: 'reason' }, [a.message]),
            ]);
            entry.setAttribute('data-kind', a.kind);
            entry.setAttribute('aria-label', `${a.label}: ${a.path}${a.environment ? ` in ${a.environment}` : ''}${since}. ${a.message}`);
            return entry;
          })
        : [el('li', { class: 'muted' }, ['Nothing needs attention: no disputed live version, no overdue review request, no live version due for review.'])]),
    );
  }

  function save() {
    vscode.setState({ ...filters, sortKey: sort.key, descending: sort.descending });
  }

  for (const [id, key] of [['filter-state', 'state'], ['filter-owner', 'owner'], ['filter-env', 'env']]) {
    $(id).addEventListener('change', (event) => {
      // @ts-ignore
      filters[key] = /** @type {HTMLSelectElement} */ (event.target).value;
      save();
      render();
    });
  }
  const search = /** @type {HTMLInputElement} */ ($('filter-text'));
  search.value = filters.text;
  search.addEventListener('input', () => {
    filters.text = search.value;
    save();
    render();
  });
  $('release-all').addEventListener('click', () => {
    const root = current?.data.prompts[0]?.root;
    if (root) vscode.postMessage({ type: 'releaseAll', root });
  });
  $('scroller').addEventListener('scroll', () => window.requestAnimationFrame(drawRows));

  window.addEventListener('message', (event) => {
    if (event.data?.type === 'data') {
      current = event.data;
      render();
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
