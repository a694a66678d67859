import { raw, type Sh } from '../../shell/index.js';

/**
 * Shell helpers every probe may call. Within one script a path is printed once, whichever task
 * asks first: parseProbeOutput() gives every section the file records of the whole script (a
 * probe reads the host before any change, so all sections see the same host).
 * Defined once per remote script. `M` holds the record marker
 * (RS + nonce); records are read back by parseProbeOutput(). Helpers fork as little as they can:
 * an idempotent run's cost is dominated by these, on every host.
 *
 *   nf_file PATH...      content of each path (or a "missing" record), read with builtins only
 *                        (no `cat` process per file), byte-exact for text, final newline or not
 *   nf_glob PATTERN...   content of every existing file the patterns match
 *   nf_stat PATH...      mode/uid/gid of each existing path, in one stat call
 *   nf_exists PATH...    which of the paths exist (no fork)
 *   nf_cmd NAME CMD...   exit code and combined output of a command
 *   nf_once KEY NAME CMD...  nf_cmd, run once per script for KEY (a name that says everything
 *                        the output depends on, e.g. `systemctl-is-active:libvirtd`): a later
 *                        section asking for KEY gets the same record under its own NAME, and
 *                        $nf_rc as the first run left it. What a tool costs is its fork+exec
 *                        (and on the lab, a Python start): a handler probing the same service
 *                        as a task, or a re-probe of several tasks, pays it once.
 *   nf_kv KEY VALUE      one value
 */
export function probePrelude(nonce: string): Sh {
  if (!/^[A-Za-z0-9]{8,32}$/.test(nonce)) throw new Error('probe nonce must be 8-32 alphanumerics');
  return raw(`M='\x1e${nonce}'
nf_seen=' '
nf_new() { case "$nf_seen" in *" $1 "*) return 1;; esac; nf_seen="$nf_seen$1 "; }
nf_cat() { while IFS= read -r nf_l; do printf '%s\\n' "$nf_l"; done < "$1"; printf '%s' "$nf_l"; }
nf_file() { for nf_p in "$@"; do nf_new "F$nf_p" || continue; if [ -f "$nf_p" ] && [ -r "$nf_p" ]; then printf '%sFILE %s\\n' "$M" "$nf_p"; nf_cat "$nf_p"; printf '\\n%sEND\\n' "$M"; else printf '%sNOFILE %s\\n' "$M" "$nf_p"; fi; done; }
nf_glob() { for nf_p in "$@"; do [ -f "$nf_p" ] && nf_file "$nf_p"; done; return 0; }
nf_exists() { for nf_p in "$@"; do [ -e "$nf_p" ] && nf_new "E$nf_p" && printf '%sEXISTS %s\\n' "$M" "$nf_p"; done; return 0; }
nf_stat() { stat -c '%a %u %g %n' -- "$@" 2>/dev/null | while IFS= read -r nf_l; do printf '%sSTAT %s\\n' "$M" "$nf_l"; done; return 0; }
nf_cmd() { nf_n=$1; shift; printf '%sCMD %s\\n' "$M" "$nf_n"; "$@" 2>&1; nf_rc=$?; printf '\\n%sEND %s\\n' "$M" "$nf_rc"; }
nf_rcs=' '
nf_once() { nf_ok=$1; shift; if nf_new "C$nf_ok"; then printf '%sSHARED %s\\n' "$M" "$nf_ok"; nf_cmd "$@"; nf_rcs="$nf_rcs$nf_ok=$nf_rc "; else printf '%sCMDREF %s %s\\n' "$M" "$nf_ok" "$1"; nf_rc=\${nf_rcs##* "$nf_ok"=}; nf_rc=\${nf_rc%% *}; fi; }
nf_kv() { printf '%sKV %s %s\\n' "$M" "$1" "$2"; }
`);
}
