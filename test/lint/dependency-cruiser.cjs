// Import rules checked in CI: no circles, and each folder of packages/*/src imports only what lies
// below it in the data flow (docs/architecture.md). Run: npm run lint
const core = '^packages/core/src/';
const base = `${core}(dtype|shape|errors|strided|backend|grad-mode|rng)\\.ts$`;

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-base-is-the-bottom',
      comment: 'dtype/shape/errors/strided/backend/grad-mode/rng import only each other',
      severity: 'error',
      from: { path: base },
      to: { path: `${core}(tensor|methods|index)\\.ts$|${core}(ops|autograd|backends|testing)/` },
    },
    {
      name: 'tensor-imports-only-base',
      severity: 'error',
      from: { path: `${core}tensor\\.ts$` },
      to: { path: `${core}(methods|index)\\.ts$|${core}(ops|autograd|backends|testing)/` },
    },
    {
      name: 'ops-below-autograd-and-backends',
      severity: 'error',
      from: { path: `${core}ops/` },
      to: { path: `${core}(methods|index)\\.ts$|${core}(autograd|backends|testing)/` },
    },
    {
      name: 'autograd-below-backends',
      severity: 'error',
      from: { path: `${core}autograd/` },
      to: { path: `${core}(methods|index)\\.ts$|${core}(backends|testing)/` },
    },
    {
      name: 'backends-register-themselves',
      comment: 'backends never import autograd, testing, the methods or the package entry',
      severity: 'error',
      from: { path: `${core}backends/` },
      to: { path: `${core}(methods|index)\\.ts$|${core}(autograd|testing)/` },
    },
    {
      name: 'testing-is-not-imported-by-the-library',
      severity: 'error',
      from: { path: `${core}(?!testing/)` },
      to: { path: `${core}testing/` },
    },
    {
      name: 'packages-import-each-other-by-name',
      comment: 'no relative paths into another package',
      severity: 'error',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: '^packages/$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'nn-below-train',
      severity: 'error',
      from: { path: '^packages/(core|nn)/' },
      to: { path: '^packages/train/|@tsgrad/train' },
    },
    {
      name: 'core-below-nn',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/nn/|@tsgrad/nn' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
