// TypeDoc: the API reference of every package and the guides, into docs/api (`pnpm run docs`).
// Guides come in reading order (not alphabetically), their text is searchable, and TeX between
// dollar signs in them is typeset by KaTeX as MathML (no fonts or stylesheet to ship).
import katex from '@vscode/markdown-it-katex';

/** The guides in the order a reader meets them. */
const GUIDES = [
  'getting-started', 'concepts', 'lecture-to-code', 'playground', 'fighting-overfitting', 'beyond-the-lecture', 'writing-an-update-rule',
  'gradient-checking', 'in-the-browser', 'speed', 'when-one-process-is-not-enough', 'adding-an-op', 'op-reference', 'rule-reference',
  'lecture-errata', 'design-decisions', 'README',
];

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  $schema: 'https://typedoc.org/schema.json',
  name: 'chainrule',
  entryPointStrategy: 'packages',
  // The packages from the bottom of the stack up, as they build on each other.
  entryPoints: ['packages/graph', 'packages/autodiff', 'packages/optim', 'packages/nn', 'packages/onnx'],
  sortEntryPoints: false,
  out: 'docs/api',
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  treatWarningsAsErrors: true,
  disableSources: true,
  searchInDocuments: true,
  packageOptions: {
    disableSources: true,
    validation: { notExported: true, invalidLink: true, notDocumented: true },
    requiredToBeDocumented: ['Enum', 'EnumMember', 'Variable', 'Function', 'Class', 'Interface', 'Method', 'Accessor', 'TypeAlias'],
  },
  projectDocuments: GUIDES.map((name) => `docs/${name}.md`),
  headings: { readme: false, document: false },
  markdownItLoader(parser) {
    parser.use(katex.default ?? katex, { output: 'mathml', throwOnError: true });
  },
};
