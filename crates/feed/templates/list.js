// Filters the rule list. The rows come from the inline JSON array in index.html and are
// built with textContent, so no rule value is ever parsed as HTML.
(function () {
  'use strict';
  var rules = JSON.parse(document.getElementById('rules-data').textContent);
  var filterNames = ['level', 'status', 'tactic', 'technique', 'logsource', 'conversion'];
  var inputs = {};
  filterNames.forEach(function (name) { inputs[name] = document.getElementById('f-' + name); });
  var search = document.getElementById('f-q');
  var levelOrder = ['critical', 'high', 'medium', 'low', 'informational'];

  function values(rule, name) {
    switch (name) {
      case 'level': return rule.level ? [rule.level] : [];
      case 'status': return rule.status ? [rule.status] : [];
      case 'tactic': return rule.tactics;
      case 'technique': return rule.techniques;
      case 'logsource': return [rule.logsource];
      case 'conversion': return rule.conversions.map(function (c) { return c[1]; });
    }
    return [];
  }

  function fillOptions(name) {
    var seen = {};
    rules.forEach(function (rule) { values(rule, name).forEach(function (v) { seen[v] = true; }); });
    var list = Object.keys(seen).sort();
    if (name === 'level') { list.sort(function (a, b) { return levelOrder.indexOf(a) - levelOrder.indexOf(b); }); }
    list.forEach(function (v) { addOption(inputs[name], v); });
  }

  function addOption(select, value) {
    var option = document.createElement('option');
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }

  // A technique filter such as T1059 also matches its sub-techniques (T1059.001).
  function matches(rule, name, selected) {
    return values(rule, name).some(function (v) {
      if (name === 'technique') { return v === selected || v.indexOf(selected + '.') === 0; }
      return v === selected;
    });
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) { td.className = className; }
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function render() {
    var selected = {};
    filterNames.forEach(function (name) { selected[name] = inputs[name].value; });
    var query = search.value.trim().toLowerCase();
    var body = document.getElementById('rule-rows');
    var rows = document.createDocumentFragment();
    var shown = 0;
    rules.forEach(function (rule) {
      for (var i = 0; i < filterNames.length; i++) {
        var name = filterNames[i];
        if (selected[name] && !matches(rule, name, selected[name])) { return; }
      }
      if (query) {
        var text = [rule.title, rule.id || '', rule.logsource].concat(rule.techniques, rule.tactics).join(' ').toLowerCase();
        if (text.indexOf(query) < 0) { return; }
      }
      shown++;
      var row = document.createElement('tr');
      cell(row, rule.level || '', rule.level ? 'level-' + rule.level : '');
      cell(row, rule.status || '');
      var title = cell(row, '');
      var link = document.createElement('a');
      link.href = 'rules/' + encodeURIComponent(rule.page) + '.html';
      link.textContent = rule.title;
      title.appendChild(link);
      cell(row, rule.tactics.join(', '));
      cell(row, rule.techniques.join(', '));
      cell(row, rule.logsource);
      cell(row, rule.conversions.map(function (c) { return c[0] + ': ' + c[1]; }).join(', '));
      cell(row, rule.date || '');
      rows.appendChild(row);
    });
    body.textContent = '';
    body.appendChild(rows);
    document.getElementById('shown').textContent = shown + ' shown';
  }

  // A value typed into a URL is matched the way values are stored: technique ids in upper
  // case, other values against the list's own options ignoring case, and tactic names as
  // shortnames ("Defense Impairment" and "defense_impairment" become "defense-impairment").
  function normalize(name, value) {
    value = value.trim();
    if (name === 'technique') { return value.toUpperCase(); }
    if (name === 'tactic') { value = value.replace(/[\s_]+/g, '-'); }
    var lower = value.toLowerCase();
    var option = Array.prototype.find.call(inputs[name].options, function (o) { return o.value.toLowerCase() === lower; });
    return option ? option.value : value;
  }

  // Filters come from the query string (index.html?technique=T1059) or the hash, and
  // changes go to the hash, which also works for pages opened from file://.
  function readFilters() {
    var params = new URLSearchParams(location.hash.length > 1 ? location.hash.slice(1) : location.search);
    filterNames.forEach(function (name) {
      var value = normalize(name, params.get(name) || '');
      var select = inputs[name];
      if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        addOption(select, value);
      }
      select.value = value;
    });
    search.value = params.get('q') || '';
  }

  function writeFilters() {
    var params = new URLSearchParams();
    filterNames.forEach(function (name) { if (inputs[name].value) { params.set(name, inputs[name].value); } });
    if (search.value) { params.set('q', search.value); }
    history.replaceState(null, '', '#' + params.toString());
  }

  filterNames.forEach(function (name) {
    fillOptions(name);
    inputs[name].addEventListener('change', function () { writeFilters(); render(); });
  });
  search.addEventListener('input', function () { writeFilters(); render(); });
  document.getElementById('f-reset').addEventListener('click', function () {
    filterNames.forEach(function (name) { inputs[name].value = ''; });
    search.value = '';
    writeFilters();
    render();
  });
  window.addEventListener('hashchange', function () { readFilters(); render(); });
  readFilters();
  render();
}());
