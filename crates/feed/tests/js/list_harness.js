// Runs a built site's list.js against a minimal stand-in for the browser DOM and prints
// what the list shows. Usage: node list_harness.js SITE_DIR '?QUERY' (or '#HASH')
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const [siteDir, search] = process.argv.slice(2);
const indexHtml = fs.readFileSync(path.join(siteDir, 'index.html'), 'utf8');
const listJs = fs.readFileSync(path.join(siteDir, 'list.js'), 'utf8');
const data = /<script id="rules-data" type="application\/json">([\s\S]*?)<\/script>/.exec(indexHtml);
if (!data) { throw new Error('index.html has no rules-data script'); }

class Element {
  constructor(tag) {
    this.tagName = tag;
    this.children = [];
    this.options = [];
    this.className = '';
    this.href = '';
    this.text = '';
    this.selected = '';
    this.listeners = {};
  }

  appendChild(child) {
    const added = child.tagName === '#fragment' ? child.children : [child];
    this.children.push(...added);
    if (this.tagName === 'select') { this.options.push(...added.filter((c) => c.tagName === 'option')); }
    return child;
  }

  addEventListener(name, listener) { this.listeners[name] = listener; }

  get textContent() { return this.text + this.children.map((c) => c.textContent).join(''); }

  set textContent(text) {
    this.text = String(text);
    this.children = [];
  }

  // As in a browser, a select takes only the value of one of its options.
  get value() { return this.selected; }

  set value(value) {
    if (this.tagName === 'select' && !this.options.some((o) => o.value === value)) {
      this.selected = '';
      return;
    }
    this.selected = value;
  }
}

const elements = {};
function byId(id, tag) {
  elements[id] = new Element(tag);
  return elements[id];
}
byId('rules-data', 'script').textContent = data[1];
for (const name of ['level', 'status', 'tactic', 'technique', 'logsource', 'conversion']) {
  const select = byId('f-' + name, 'select');
  const any = new Element('option');
  any.value = '';
  select.appendChild(any);
}
byId('f-q', 'input');
byId('f-reset', 'button');
byId('rule-rows', 'tbody');
byId('shown', 'span');

const context = {
  document: {
    getElementById: (id) => elements[id] || null,
    createElement: (tag) => new Element(tag),
    createDocumentFragment: () => new Element('#fragment'),
  },
  location: search.startsWith('#') ? { hash: search, search: '' } : { hash: '', search },
  history: { replaceState: () => {} },
  window: { addEventListener: () => {} },
  URLSearchParams,
};
vm.runInNewContext(listJs, context);

const filters = {};
for (const name of ['level', 'status', 'tactic', 'technique', 'logsource', 'conversion']) {
  filters[name] = elements['f-' + name].value;
}
const titles = elements['rule-rows'].children.map((row) => row.children[2].textContent);
console.log(JSON.stringify({ shown: elements.shown.textContent, filters, titles }));
