// Strict patterns for every name netfix puts into a path or a command, checked when input loads.
// They are narrower than what the kernel allows on purpose: a name that fails here is refused
// with the pattern shown, long before any host is contacted.

export const namePatterns = {
  /** Kernel module names: kmod treats '-' and '_' alike; no path separators, no leading dash. */
  kernelModule: /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/,
  /** Module parameter names as they appear under /sys/module/<m>/parameters. */
  moduleParam: /^[A-Za-z0-9_][A-Za-z0-9_]{0,63}$/,
  /** sysctl keys, dotted or slashed (net.bridge.bridge-nf-call-iptables). */
  sysctlKey: /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,254}$/,
  /** systemd/sysvinit service names. */
  service: /^[A-Za-z0-9_][A-Za-z0-9_.@:-]{0,127}$/,
  /**
   * A file on the host that netfix writes or tests: absolute, segments of a conservative
   * character set (no spaces, quotes, `$`, backticks or globs), no `.` or `..` segment, no `//`.
   */
  hostPath: /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_@%+=:,.-]{1,255})+$/,
  /** A parameter value written to sysfs or an options line: no whitespace, quotes or shell syntax. */
  moduleParamValue: /^[A-Za-z0-9_.,:+\-/]{1,256}$/,
} as const;
