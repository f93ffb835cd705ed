# One closing line over every project's vitest summary ("Tests  12 passed | 1 failed (13)"),
# read from `npm test` output with its colour codes already removed.
/^[^ ]*:? *Tests +[0-9]/ {
  for (i = 1; i <= NF; i++) {
    if ($i == "passed" || $i ~ /^passed/) p += $(i - 1)
    if ($i == "failed" || $i ~ /^failed/) f += $(i - 1)
    if ($i == "skipped" || $i ~ /^skipped/) k += $(i - 1)
  }
}
END { printf "%d passed, %d failed", p, f; if (k) printf ", %d skipped", k; printf "\n" }
