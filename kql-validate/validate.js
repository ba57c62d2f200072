#!/usr/bin/env node
'use strict';
// Checks KQL queries with Microsoft's Kusto language service (@kusto/language-service-next,
// offline) against the schema of each query's target, plus the value checks in checks.js.
//
// Usage: node validate.js INPUT.json [--report REPORT.json]
//
// INPUT.json:
//   { "targets": { NAME: { "tables": [ENTRY], "functions": [ENTRY] } },
//     "queries": [ { "target": NAME, "name": "rule file or test", "query": "KQL" } ] }
//   ENTRY: { "name": "imProcessCreate", "columns": [ { "name", "type", "values"? } ] }
//   `values` lists the allowed values of an enumerated column.
//
// Prints one line per problem and a summary per target, and writes every problem to
// REPORT.json when asked. Exits 0 when no query has a problem, 1 when one has, and 2
// when the input cannot be read. The queries are split over worker threads, one per
// core up to four (KQL_VALIDATE_WORKERS sets the count).

const fs = require('fs');
const os = require('os');
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');

/** Returns the errors of a diagnostics list as `{ position, code, message }`. */
function errors(diagnostics) {
  const out = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (d.Severity === 'Error') {
      out.push({ position: d.Start, code: d.Code, message: d.Message });
    }
  }
  return out;
}

function warningCount(diagnostics) {
  let count = 0;
  for (let i = 0; i < diagnostics.Count; i++) {
    if (diagnostics.getItem(i).Severity === 'Warning') count += 1;
  }
  return count;
}

function lineAndColumn(text, position) {
  const before = text.slice(0, Math.max(0, position));
  const lines = before.split('\n');
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

/** The name a query starts with: the table or parser it reads. */
function sourceName(query) {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(query);
  return match ? match[1] : '';
}

/** Checks one query; returns its problems, each with a kind of syntax, semantic or value. */
function checkQuery(text, globals, enumsBySource, counts) {
  const { Kusto, HIDDEN_PREFIX } = require('./schema.js');
  const { valueProblems } = require('./checks.js');
  const KustoCode = Kusto.Language.KustoCode;

  if (text.includes(HIDDEN_PREFIX)) {
    return [{ kind: 'semantic', code: 'hidden', position: text.indexOf(HIDDEN_PREFIX), message: 'the query names a table of the harness itself' }];
  }
  const parsed = KustoCode.Parse(text, globals);
  const syntax = errors(parsed.GetDiagnostics());
  if (syntax.length > 0) {
    return syntax.map((e) => ({ kind: 'syntax', ...e }));
  }

  const analysed = KustoCode.ParseAndAnalyze(text, globals);
  const diagnostics = analysed.GetDiagnostics();
  counts.warnings += warningCount(diagnostics);
  const semantic = errors(diagnostics).map((e) => ({ kind: 'semantic', ...e }));
  if (semantic.length > 0) {
    return semantic;
  }

  const enums = enumsBySource.get(sourceName(text)) || new Map();
  return valueProblems(analysed, enums).map((p) => ({ kind: 'value', code: 'value', ...p }));
}

/** Checks a slice of the queries in a worker; returns `{ summary, problems }`. */
function checkSlice(data, start, end) {
  const { globalState, enumerations } = require('./schema.js');
  const states = new Map();
  for (const [target, schema] of Object.entries(data.targets || {})) {
    states.set(target, { globals: globalState(target, schema), enums: enumerations(schema) });
  }

  const summary = {};
  const problems = [];
  for (const { target, name, query } of (data.queries || []).slice(start, end)) {
    const counts = summary[target] || (summary[target] = { queries: 0, syntax: 0, semantic: 0, value: 0, warnings: 0 });
    counts.queries += 1;
    const state = states.get(target);
    if (!state) {
      counts.semantic += 1;
      problems.push({ target, name, kind: 'semantic', code: 'target', position: 0, message: `no schema for target ${target}`, query });
      continue;
    }
    for (const problem of checkQuery(query, state.globals, state.enums, counts)) {
      counts[problem.kind] += 1;
      problems.push({ target, name, query, ...problem });
    }
  }
  return { summary, problems };
}

function runWorker(input, start, end) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { input, start, end } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`worker stopped with exit code ${code}`)));
  });
}

function workerCount(queries) {
  const fromEnv = Number(process.env.KQL_VALIDATE_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4, Math.ceil(queries / 500)));
}

async function main(argv) {
  const input = argv[0];
  const reportAt = argv.indexOf('--report');
  const reportPath = reportAt >= 0 ? argv[reportAt + 1] : null;
  if (!input || (reportAt >= 0 && !reportPath)) {
    console.error('usage: node validate.js INPUT.json [--report REPORT.json]');
    return 2;
  }

  let data;
  try {
    data = JSON.parse(fs.readFileSync(input, 'utf8'));
  } catch (error) {
    console.error(`error: cannot read ${input}: ${error.message}`);
    return 2;
  }

  const total = (data.queries || []).length;
  const workers = workerCount(total);
  const size = Math.ceil(total / workers);
  let results;
  try {
    results = await Promise.all(Array.from({ length: workers }, (_, i) => runWorker(input, i * size, (i + 1) * size)));
  } catch (error) {
    console.error(`error: checking ${input} failed: ${error.message}`);
    return 2;
  }

  const summary = {};
  const problems = [];
  for (const result of results) {
    for (const [target, counts] of Object.entries(result.summary)) {
      const into = summary[target] || (summary[target] = { queries: 0, syntax: 0, semantic: 0, value: 0, warnings: 0 });
      for (const key of Object.keys(into)) into[key] += counts[key];
    }
    problems.push(...result.problems);
  }

  for (const p of problems) {
    console.log(`${p.target} ${p.name}:${lineAndColumn(p.query, p.position)}: ${p.kind} ${p.code}: ${p.message}`);
  }
  for (const [target, c] of Object.entries(summary)) {
    console.log(`${target}: ${c.queries} queries, ${c.syntax} syntax errors, ${c.semantic} semantic errors, ${c.value} value errors, ${c.warnings} warnings`);
  }
  if (reportPath) {
    fs.writeFileSync(reportPath, JSON.stringify({ summary, problems }, null, 1));
  }
  return problems.length === 0 ? 0 : 1;
}

if (isMainThread) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
} else {
  const data = JSON.parse(fs.readFileSync(workerData.input, 'utf8'));
  parentPort.postMessage(checkSlice(data, workerData.start, workerData.end));
}
