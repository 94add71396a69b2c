// @tsgrad/core is an ES module. This file answers require('@tsgrad/core') (which Node 20 cannot load
// from an ES module) with a clear error instead of ERR_PACKAGE_PATH_NOT_EXPORTED.
throw new Error("@tsgrad/core is an ES module: use `import ... from '@tsgrad/core'`, or from CommonJS `const tsgrad = await import('@tsgrad/core')`");
