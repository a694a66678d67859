#!/usr/bin/env node
// The whole CLI in one bundled file (scripts/bundle.ts, run by `npm run build`): startup reads and
// compiles one module instead of ~450. Stack traces name bundle lines; run with
// NODE_OPTIONS=--enable-source-maps to see src/ positions (not on by default: it costs startup).
import '../dist/bundle/netfix.js';
