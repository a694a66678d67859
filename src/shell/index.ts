export { joinSh, quote, raw, type Sh, sh, UnquotableValueError } from './quote.js';
export { namePatterns } from './patterns.js';
