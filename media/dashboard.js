// @ts-check
// The release dashboard's script. It renders what the extension posts and posts actions
// back; filters survive hiding through the webview state.
(function () {
  // @ts-ignore acquireVsCodeApi is provided by VS Code
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() || {};
  const filters = { state: saved.state || '', owner: saved.owner || '', env: saved.env || '' };
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

    const rows = data.prompts.filter((/** @type {any} */ p) => {
      if (filters.state && p.state !== filters.state) return false;
      if (filters.owner === '-' && p.owners.length) return false;
      if (filters.owner && filters.owner !== '-' && !p.owners.includes(filters.owner)) return false;
      if (filters.env && !p.versions[filters.env]) return false;
      return true;
    });
    if (status !== 'untrusted') $('status').textContent = `${rows.length} of ${data.prompts.length} prompts`;

    const head = el('tr', {}, [
      el('th', { scope: 'col' }, ['Prompt']),
      el('th', { scope: 'col' }, ['Owners']),
      el('th', { scope: 'col' }, ['State']),
      ...data.environments.map((/** @type {string} */ e) => el('th', { scope: 'col' }, [e])),
      el('th', { scope: 'col' }, [el('span', { class: 'sr-only' }, ['Actions'])]),
    ]);
    const table = /** @type {HTMLTableElement} */ ($('prompts'));
    table.tHead?.replaceChildren(head);
    table.tBodies[0].replaceChildren(
      ...rows.map((/** @type {any} */ p) => {
        const buttons = ACTIONS.filter(([action]) => action !== 'diff' || p.released).map(([action, codicon, label]) => {
          const button = el('button', { type: 'button', title: `${label}: ${p.path}`, 'aria-label': `${label} ${p.path}`, 'data-action': action }, [icon(codicon)]);
          button.addEventListener('click', () => vscode.postMessage({ type: 'action', action, root: p.root, path: p.path }));
          return button;
        });
        return el('tr', { 'data-path': p.path }, [
          el('td', { class: 'path' }, [p.path]),
          el('td', p.owners.length ? {} : { class: 'unowned' }, [p.owners.length ? p.owners.join(', ') : 'no owner']),
          el('td', {}, [el('span', { class: `state state-${p.state}` }, [icon(STATE_ICONS[p.state]), p.stateLabel])]),
          ...data.environments.map((/** @type {string} */ e) => {
            const v = p.versions[e];
            return el('td', {}, [v ? `v${v.version}` : el('span', { class: 'muted' }, ['—']), el('span', { class: 'muted' }, [` · ${p.approvals[e] ?? ''}`])]);
          }),
          el('td', {}, [el('div', { class: 'actions' }, buttons)]),
        ]);
      }),
    );

    const when = (/** @type {string} */ iso) => iso.slice(0, 16).replace('T', ' ');
    $('releases').replaceChildren(
      ...(data.recentReleases.length ? data.recentReleases.map((/** @type {any} */ r) => el('li', {}, [icon('rocket'), ` ${r.path} v${r.version} → ${r.environment} `, el('span', { class: 'muted' }, [`by ${r.by}, ${when(r.at)}`])])) : [el('li', { class: 'muted' }, ['No releases yet.'])]),
    );
    $('pending').replaceChildren(
      ...(data.pendingReviews.length ? data.pendingReviews.map((/** @type {any} */ r) => el('li', {}, [icon('eye'), ` ${r.path}: ${r.what} `, el('span', { class: 'muted' }, [when(r.at)])])) : [el('li', { class: 'muted' }, ['Nothing is waiting for review.'])]),
    );
  }

  for (const [id, key] of [['filter-state', 'state'], ['filter-owner', 'owner'], ['filter-env', 'env']]) {
    $(id).addEventListener('change', (event) => {
      // @ts-ignore
      filters[key] = /** @type {HTMLSelectElement} */ (event.target).value;
      vscode.setState({ ...filters });
      render();
    });
  }

  window.addEventListener('message', (event) => {
    if (event.data?.type === 'data') {
      current = event.data;
      render();
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
