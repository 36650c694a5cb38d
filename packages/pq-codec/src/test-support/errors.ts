// The helper moved to @portico/test-support; this re-export serves the PTU tests (src/ptu, another change's scope)
// until they import it from there.
export { codecErrorOf } from '@portico/test-support';
