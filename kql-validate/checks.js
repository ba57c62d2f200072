'use strict';
// Value checks the language service does not make: it accepts `IntColumn == "4688"`, a
// comparison of an enumerated column with a value outside its domain, and an IPv6 range
// passed to an IPv4 function, all of which parse and type-check but can never match.

const { Kusto } = require('./schema.js');

const Syntax = Kusto.Language.Syntax;
const Symbols = Kusto.Language.Symbols;

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);

// Binary operators that compare a value with a literal for equality or order.
const EQUALITY = new Set(['==', '!=', '=~', '!~']);
const ORDER = new Set(['<', '<=', '>', '>=']);

// String operators as [test, case-sensitive]; `has` is approximated by `contains`,
// which accepts more, so the check never reports a `has` that could match.
const STRING_OPERATORS = {
  contains: ['contains', false], contains_cs: ['contains', true],
  has: ['contains', false], has_cs: ['contains', true],
  startswith: ['startswith', false], startswith_cs: ['startswith', true],
  endswith: ['endswith', false], endswith_cs: ['endswith', true],
  hasprefix: ['contains', false], hasprefix_cs: ['contains', true],
  hassuffix: ['contains', false], hassuffix_cs: ['contains', true],
};

function typeName(node) {
  return node && node.ResultType ? node.ResultType.Name : null;
}

function isLiteral(node) {
  return node instanceof Syntax.LiteralExpression;
}

/** Unwraps parentheses around an expression. */
function unwrap(node) {
  let current = node;
  while (current instanceof Syntax.ParenthesizedExpression) {
    current = current.Expression;
  }
  return current;
}

/** Returns the name of the column a node reads directly, or null. */
function columnOf(node) {
  const inner = unwrap(node);
  if (inner instanceof Syntax.NameReference && inner.ReferencedSymbol instanceof Symbols.ColumnSymbol) {
    return inner.ReferencedSymbol.Name;
  }
  return null;
}

/** Returns why a literal of type `literalType` can never equal a value of type `valueType`, or null. */
function typeMismatch(valueType, literalType) {
  if (!valueType || !literalType || valueType === 'dynamic' || literalType === 'dynamic') {
    return null;
  }
  if (NUMERIC.has(valueType) && NUMERIC.has(literalType)) {
    return null;
  }
  if (valueType === literalType) {
    return null;
  }
  return `a ${valueType} value is compared with a ${literalType} literal`;
}

function stringTest(kind, cased, value, literal) {
  const a = cased ? value : value.toLowerCase();
  const b = cased ? literal : literal.toLowerCase();
  if (kind === 'startswith') return a.startsWith(b);
  if (kind === 'endswith') return a.endsWith(b);
  return a.includes(b);
}

/**
 * Compiles a KQL (RE2) pattern as a JavaScript RegExp when the two read it alike enough,
 * turning a leading `(?flags)` group into RegExp flags; returns null otherwise.
 */
function jsRegex(pattern) {
  let body = pattern;
  let flags = '';
  const group = /^\(\?([ims]+)\)/.exec(body);
  if (group) {
    flags = [...new Set(group[1])].join('');
    body = body.slice(group[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch {
    return null;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Returns why `text` is not an IPv4 address or range, or null. */
function ipv4Problem(text) {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || !IPV4.test(address)) {
    return `${JSON.stringify(text)} is not an IPv4 address or range`;
  }
  if (prefix !== undefined && !(/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32)) {
    return `${JSON.stringify(text)} has an IPv4 prefix length outside 0-32`;
  }
  return null;
}

/** Returns why `text` is not an IPv6 (or IPv4) address or range, or null. */
function ipv6Problem(text) {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined) {
    return `${JSON.stringify(text)} is not an IPv6 address or range`;
  }
  if (!address.includes(':')) {
    return IPV4.test(address) ? null : `${JSON.stringify(text)} is not an IPv6 address or range`;
  }
  // An IPv6 address: hex groups, at most one `::`, an optional trailing IPv4 part.
  const groups = address.split(':');
  const valid = groups.length >= 3 && groups.length <= 9 && (address.match(/::/g) || []).length <= 1
    && groups.every((g, i) => g === '' || /^[0-9a-fA-F]{1,4}$/.test(g) || (i === groups.length - 1 && IPV4.test(g)));
  if (!valid) {
    return `${JSON.stringify(text)} is not an IPv6 address or range`;
  }
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= 128)) {
    return `${JSON.stringify(text)} has an IPv6 prefix length outside 0-128`;
  }
  return null;
}

/**
 * Walks an analysed query and returns its value problems as `{ position, message }`.
 * `enums` maps the columns of the query's source to their allowed values.
 */
function valueProblems(code, enums) {
  const problems = [];
  const report = (node, message) => problems.push({ position: node.TextStart, message });

  code.Syntax.WalkElements((element) => {
    if (element instanceof Syntax.BinaryExpression) {
      checkBinary(element, enums, report);
    } else if (element instanceof Syntax.InExpression) {
      checkIn(element, enums, report);
    } else if (element instanceof Syntax.FunctionCallExpression) {
      checkFunction(element, report);
    }
  });
  return problems;
}

function checkBinary(node, enums, report) {
  const op = node.Operator.Text;
  let subject = node.Left;
  let literal = unwrap(node.Right);
  if (!isLiteral(literal) && isLiteral(unwrap(node.Left))) {
    subject = node.Right;
    literal = unwrap(node.Left);
  }
  if (!isLiteral(literal) || isLiteral(unwrap(subject))) {
    return;
  }

  if (EQUALITY.has(op) || ORDER.has(op)) {
    const mismatch = typeMismatch(typeName(subject), typeName(literal));
    if (mismatch) {
      report(node, `${mismatch} (${node.toString().trim()}), so the comparison never holds`);
      return;
    }
  }

  const column = columnOf(subject);
  const allowed = column && enums.get(column);
  if (!allowed || typeof literal.LiteralValue !== 'string') {
    return;
  }
  const value = literal.LiteralValue;
  const bare = op.replace(/^!/, '');
  let matches;
  if (bare === '==' || op === '!=') {
    matches = allowed.includes(value);
  } else if (bare === '=~' || op === '!~') {
    matches = allowed.some((a) => a.toLowerCase() === value.toLowerCase());
  } else if (STRING_OPERATORS[bare]) {
    const [kind, cased] = STRING_OPERATORS[bare];
    matches = allowed.some((a) => stringTest(kind, cased, a, value));
  } else if (op === 'matches regex') {
    const regex = jsRegex(value);
    matches = regex === null || allowed.some((a) => regex.test(a));
  } else {
    return;
  }
  // A negated test that no allowed value fails always holds, which is as wrong.
  const negated = op.startsWith('!');
  if (!matches) {
    const outcome = negated ? 'always holds' : 'never matches';
    report(node, `column ${column} holds only ${allowed.join(', ')}, so ${node.toString().trim()} ${outcome}`);
  }
}

function checkIn(node, enums, report) {
  const op = node.Operator.Text;
  const subjectType = typeName(node.Left);
  const column = columnOf(node.Left);
  const allowed = column && enums.get(column);
  const cased = !op.endsWith('~');
  const expressions = node.Right.Expressions;

  for (let i = 0; i < expressions.Count; i++) {
    const item = unwrap(expressions.getItem(i).Element);
    if (!isLiteral(item)) {
      continue;
    }
    const mismatch = typeMismatch(subjectType, typeName(item));
    if (mismatch) {
      report(node, `${mismatch} in ${node.toString().trim()}, so that alternative never matches`);
      continue;
    }
    if (allowed && typeof item.LiteralValue === 'string') {
      const value = item.LiteralValue;
      const found = allowed.some((a) => (cased ? a === value : a.toLowerCase() === value.toLowerCase()));
      if (!found) {
        report(node, `column ${column} holds only ${allowed.join(', ')}, so the alternative ${JSON.stringify(value)} never matches`);
      }
    }
  }
}

function checkFunction(node, report) {
  const name = node.Name.SimpleName;
  const check = name.startsWith('ipv4_') ? ipv4Problem : name.startsWith('ipv6_') ? ipv6Problem : null;
  if (!check || name.endsWith('_is_private')) {
    return;
  }
  const args = node.ArgumentList.Expressions;
  for (let i = 0; i < args.Count; i++) {
    const arg = unwrap(args.getItem(i).Element);
    if (isLiteral(arg) && typeof arg.LiteralValue === 'string') {
      const problem = check(arg.LiteralValue);
      if (problem) {
        report(node, `${name}: ${problem}`);
      }
    }
  }
}

module.exports = { valueProblems, ipv4Problem, ipv6Problem };
