'use strict';
// Builds a Kusto language-service GlobalState from a target schema: tables as table
// symbols and parsers (ASIM's imProcessCreate, …) as tabular functions without
// parameters, all in one database that the queries run in. A function's body reads a
// hidden table of its columns: the service analyses a body at every call, and a table
// name analyses about three times faster than a `datatable(…)[]` of 150 columns.

require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.js');

const Kusto = globalThis.Kusto;
const Symbols = Kusto.Language.Symbols;

// KQL scalar types the language service accepts in a schema text.
const SCALAR_TYPES = new Set([
  'string', 'int', 'long', 'real', 'bool', 'datetime', 'dynamic', 'guid', 'timespan', 'decimal',
]);

// Names the hidden tables behind functions; a query that names one fails the check.
const HIDDEN_PREFIX = '__socfeed_columns_of_';

/** Quotes a column name unless it is a plain identifier. */
function columnName(name) {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return name;
  }
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Renders `(A:string, B:int)`; the caller has checked every type. */
function columnList(columns) {
  return '(' + columns.map((c) => `${columnName(c.name)}:${c.type}`).join(', ') + ')';
}

/**
 * Checks one table or function entry and throws with its name when it is malformed, so a
 * bad schema file fails loudly instead of hiding every query's errors.
 */
function checkEntry(target, kind, entry) {
  if (typeof entry.name !== 'string' || !Array.isArray(entry.columns) || entry.columns.length === 0) {
    throw new Error(`target ${target}: ${kind} entry without a name or columns: ${JSON.stringify(entry).slice(0, 200)}`);
  }
  for (const column of entry.columns) {
    if (!SCALAR_TYPES.has(column.type)) {
      throw new Error(`target ${target}: ${kind} ${entry.name} column ${column.name} has the unknown type ${column.type}`);
    }
  }
}

/** Returns the GlobalState in which a target's queries are analysed. */
function globalState(target, schema) {
  const members = [];
  for (const table of schema.tables || []) {
    checkEntry(target, 'table', table);
    members.push(new Symbols.TableSymbol.$ctor7(table.name, columnList(table.columns), null));
  }
  for (const fn of schema.functions || []) {
    checkEntry(target, 'function', fn);
    const hidden = `${HIDDEN_PREFIX}${fn.name}`;
    members.push(new Symbols.TableSymbol.$ctor7(hidden, columnList(fn.columns), null));
    members.push(new Symbols.FunctionSymbol.$ctor12(fn.name, `{ ${hidden} }`, Symbols.Tabularity.Tabular, []));
  }

  const database = new Symbols.DatabaseSymbol.ctor(target, members);
  const cluster = new Symbols.ClusterSymbol.ctor('socfeed', [database]);
  return Kusto.Language.GlobalState.Default.WithCluster(cluster).WithDatabase(database);
}

/**
 * Returns, per source name (table or function), the allowed values of its enumerated
 * columns: Map<source, Map<column, string[]>>.
 */
function enumerations(schema) {
  const out = new Map();
  for (const entry of [...(schema.tables || []), ...(schema.functions || [])]) {
    const columns = new Map();
    for (const column of entry.columns) {
      if (Array.isArray(column.values) && column.values.length > 0) {
        columns.set(column.name, column.values);
      }
    }
    out.set(entry.name, columns);
  }
  return out;
}

module.exports = { Kusto, globalState, enumerations, HIDDEN_PREFIX };
