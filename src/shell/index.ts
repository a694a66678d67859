export { namePatterns } from './patterns.js';
export { joinSh, quote, raw, type Sh, sh, UnquotableValueError } from './quote.js';
