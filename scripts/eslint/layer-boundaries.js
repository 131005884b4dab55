// ESLint rule: a layer may import only from the layers the table allows (ARCHITECTURE.md "Layers").
// Resolves relative specifiers against the importing file, so `../../renderer/x` is caught
// wherever it is written; bare specifiers are checked against per-layer forbidden packages.
import path from 'node:path';
import { builtinModules } from 'node:module';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * layer → { may: path prefixes it may import, builtins: may use Node built-ins, packages: forbidden package prefixes }
 * Layers are matched by the longest prefix of the repo-relative path.
 */
export const LAYER_TABLE = {
  'shared/': {
    may: ['shared/'],
    builtins: false,
    packages: ['electron', 'react', 'react-dom', 'fastify', '@fastify/', '@cornerstonejs/'],
  },
  'backend/': {
    // shared/report: the backend verifies signatures, renders report text and writes the SR with the client's code
    may: ['backend/', 'shared/api/', 'shared/domain/', 'shared/report/'],
    builtins: true,
    packages: ['electron', 'react', 'react-dom', '@cornerstonejs/', 'dexie'],
  },
  'renderer/': {
    may: ['renderer/', 'shared/'],
    builtins: false,
    packages: ['electron', 'fastify', '@fastify/'],
  },
  'electron/': {
    may: ['electron/', 'shared/'],
    builtins: true,
    packages: ['react', 'react-dom', '@cornerstonejs/', 'fastify', '@fastify/'],
  },
};

function layerOf(rel) {
  let best = null;
  for (const prefix of Object.keys(LAYER_TABLE)) {
    if (rel.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best;
}

function isTestSupport(rel) {
  return /\.test\.tsx?$/.test(rel) || rel.includes('/test-support/');
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer table of ARCHITECTURE.md' },
    schema: [
      { type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false },
    ],
    messages: {
      layer:
        "Layer '{{from}}' may not import from '{{to}}' (allowed: {{allowed}}). See ARCHITECTURE.md, Layers.",
      builtin:
        "Layer '{{from}}' runs without Node: it may not import the Node built-in '{{name}}'.",
      pkg: "Layer '{{from}}' may not import the package '{{name}}'.",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.physicalFilename ?? context.filename;
    const rel = path.relative(root, file).split(path.sep).join('/');
    const from = layerOf(rel);
    if (!from) return {};
    const rules = LAYER_TABLE[from];
    // Tests may use Node built-ins to load fixtures; layer crossings are still refused.
    const testFile = isTestSupport(rel);

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path
          .relative(root, path.resolve(path.dirname(file), spec))
          .split(path.sep)
          .join('/');
        const targetLayer = layerOf(target) ?? target.split('/')[0] + '/';
        if (targetLayer === from) return;
        if (!rules.may.some((p) => target.startsWith(p))) {
          context.report({
            node,
            messageId: 'layer',
            data: { from: from.slice(0, -1), to: target, allowed: rules.may.join(', ') },
          });
        }
        return;
      }
      if (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0])) {
        if (!rules.builtins && !testFile) {
          context.report({
            node,
            messageId: 'builtin',
            data: { from: from.slice(0, -1), name: spec },
          });
        }
        return;
      }
      const bad = rules.packages.find((p) =>
        p.endsWith('/') ? spec.startsWith(p) : spec === p || spec.startsWith(p + '/'),
      );
      if (bad)
        context.report({ node, messageId: 'pkg', data: { from: from.slice(0, -1), name: spec } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'layer-boundaries': layerBoundaries } };
