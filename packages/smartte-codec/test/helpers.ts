// Moved to src/test-support/errors.ts (on @portico/test-support); this re-export serves src/seal.test.ts, another
// change's scope, until it imports from there. test/ otherwise holds data only (CONTRIBUTING.md).
export { codecError, expectCodecError, rejectsWithCodecError } from '../src/test-support/errors.js';
