// Node entry for `import … from 'huimin'`: the same instance as `require`
// (node.cjs), so an engine made by either is usable by both.
import huimin from './node.cjs';

export const { Engine, init, initSync } = huimin;
export default init;
