import { randomBytes } from 'node:crypto';
import type { RemoteStep } from '../modules/index.js';
import { probePrelude } from '../modules/index.js';
import { joinSh, raw, type Sh, sh } from '../shell/index.js';

// Builds the one script a round trip sends: the probe prelude, then steps and/or probe sections.
// Each section starts with a SECTION record so parseProbeOutput() can split the output.

export function newNonce(): string {
  return randomBytes(9)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, 'x');
}

// Atomic write: a temporary file in the same directory (same filesystem, so rename is atomic),
// flushed, given the old file's mode and owner (or the new mode), then renamed over the target.
// A failure at any point removes the temporary file and leaves the target as it was.
// A shell killed between write and rename (sshd or the host gone) cannot remove its file: the
// next write of the same target removes those whose writer (the PID in the name) is gone.
// A target that is a symbolic link is refused: the rename would replace the link with a file
// holding what was read through it (a link to /etc/passwd would become a copy of it), and
// writing through it would change a file the task never named.
const applyPrelude = raw(`nf_write() {
  if [ -L "$1" ]; then printf 'refusing to write %s: it is a symbolic link (to %s); netfix replaces only regular files\\n' "$1" "$(readlink -- "$1")"; return 1; fi
  nf_d=\${1%/*}; [ -n "$nf_d" ] || nf_d=/
  [ -d "$nf_d" ] || mkdir -p -- "$nf_d" || return 1
  nf_t="$nf_d/.\${1##*/}.netfix-tmp.$$"
  for nf_o in "$nf_d/.\${1##*/}".netfix-tmp.*; do
    [ -f "$nf_o" ] && [ ! -d "/proc/\${nf_o##*.}" ] && rm -f -- "$nf_o"
  done
  ( umask 077 && printf '%s' "$3" > "$nf_t" ) || { rm -f -- "$nf_t"; return 1; }
  if [ -e "$1" ]; then chmod --reference="$1" -- "$nf_t" && chown --reference="$1" -- "$nf_t"; else chmod "$2" -- "$nf_t"; fi || { rm -f -- "$nf_t"; return 1; }
  sync -- "$nf_t" 2>/dev/null
  mv -f -- "$nf_t" "$1" || { rm -f -- "$nf_t"; return 1; }
}
nf_failed=`);

export interface ProbeSection {
  id: string;
  probe: Sh;
}

function sections(probes: ProbeSection[]): Sh {
  return joinSh(probes.map((section) => sh`printf '%sSECTION %s\\n' "$M" ${section.id}\n${section.probe}`));
}

/**
 * The last section of every script: output without it was cut off (the shell killed, an `exit`
 * in a step), and a record read from it may be a truncated file or a command's partial output.
 */
export const END_SECTION = 'end';
const endSection = sh`printf '%sSECTION %s\n' "$M" ${END_SECTION}`;

export function probeScript(nonce: string, probes: ProbeSection[]): Sh {
  return joinSh([probePrelude(nonce), sections(probes), endSection]);
}

function stepCommand(step: RemoteStep): Sh {
  switch (step.kind) {
    case 'exec':
      return step.command;
    case 'writeFile':
      // U+FFFD is what bytes that were not UTF-8 became when the host's file was read: writing it
      // back would replace them for good. Refused on the host, so the step fails with the reason.
      if (step.content.includes('\uFFFD'))
        return sh`printf '%s\\n' ${`refusing to write ${step.path}: it holds bytes that are not UTF-8 (or U+FFFD), which netfix cannot carry unchanged; convert the file to UTF-8 or edit it by hand`}; return 1`;
      return sh`nf_write ${step.path} ${step.mode.toString(8)} ${step.content}`;
    case 'removeFile':
      return sh`rm -f -- ${step.path}`;
  }
}

export const stepSectionId = (index: number) => `step:${index}`;

/**
 * Runs the steps in order, stopping at the first that fails, then (only if all succeeded) the
 * probes: apply and re-probe share one round trip.
 */
export function applyScript(nonce: string, steps: RemoteStep[], reprobe: ProbeSection[]): Sh {
  const stepParts = steps.map(
    (step, index) =>
      sh`nf_step_${raw(String(index))}() {\n${stepCommand(step)}\n}
if [ -z "$nf_failed" ]; then printf '%sSECTION %s\\n' "$M" ${stepSectionId(index)}; nf_cmd result nf_step_${raw(String(index))}; [ "$nf_rc" = 0 ] || nf_failed=1; fi`,
  );
  return joinSh([
    probePrelude(nonce),
    applyPrelude,
    ...stepParts,
    sh`if [ -z "$nf_failed" ]; then\n${reprobe.length > 0 ? sections(reprobe) : raw(':')}\nfi`,
    endSection,
  ]);
}
