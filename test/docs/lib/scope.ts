// The scope documentation snippets run in: every public export of @tsgrad/core (and its testing
// entry points), @tsgrad/nn and @tsgrad/train, by name. Two packages exporting one name is an error.

import * as core from '@tsgrad/core';
import * as testing from '@tsgrad/core/testing';
import * as arbitraries from '@tsgrad/core/testing/arbitraries';
import * as conformance from '@tsgrad/core/testing/conformance';
import * as nn from '@tsgrad/nn';
import * as trainPkg from '@tsgrad/train';
import * as trainBrowser from '@tsgrad/train/browser';
import type { Scope } from './snippet.js';

/** The package entry points, by the specifier users import them with. */
export const PACKAGES: Record<string, Record<string, unknown>> = {
  '@tsgrad/core': core,
  '@tsgrad/core/testing': testing,
  '@tsgrad/core/testing/arbitraries': arbitraries,
  '@tsgrad/core/testing/conformance': conformance,
  '@tsgrad/nn': nn,
  '@tsgrad/train': trainPkg,
  '@tsgrad/train/browser': trainBrowser,
};

/** Builds the scope; throws if two entry points export different values under one name. */
export function docScope(): Scope {
  const names: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [spec, mod] of Object.entries(PACKAGES)) {
    for (const [name, value] of Object.entries(mod)) {
      if (name in names && names[name] !== value) throw new Error(`'${name}' is exported by both ${from[name]} and ${spec}`);
      names[name] = value;
      from[name] = spec;
    }
  }
  return { names, packages: PACKAGES, importOther: (s) => import(/* @vite-ignore */ s) };
}
