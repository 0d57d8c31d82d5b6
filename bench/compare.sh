#!/bin/bash
# Interleaved repetitions of bench/run.sh against several servers, then medians and ratios.
#
#   bench/compare.sh run OUT.tsv REPS "LABEL|HOST:PORT|run.sh options" ["LABEL|HOST:PORT|options" ...]
#   bench/compare.sh summary OUT.tsv LABEL_A LABEL_B      medians of each point, and A/B
#
# e.g.
#   bench/compare.sh run /tmp/cmp.tsv 3 \
#     "tern|127.0.0.1:2525|--pid 1234 --maildir /tmp/ternbench/data/mail/localhost/bench --clean" \
#     "postfix|127.0.0.1:2526|--pid 5678 --maildir /tmp/pfbench/mail/localhost/bench --clean"
#   bench/compare.sh summary /tmp/cmp.tsv tern postfix
# Each repetition runs every server once, in turn (A B A B A B), so drift on a shared machine hits all alike.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
run)
  out=$2; reps=$3; shift 3
  for rep in $(seq 1 "$reps"); do
    for spec in "$@"; do
      IFS='|' read -r label target opts <<< "$spec"
      echo "=== repetition $rep/$reps: $label ($target)"
      # shellcheck disable=SC2086
      "$here/run.sh" "$target" --label "$label" --out "$out" $opts
    done
  done
  ;;
summary)
  out=$2; a=$3; b=$4
  echo "medians over repetitions (value; server CPU ms/msg); ratio = $a / $b (for CPU: $a / $b, lower is better)"
  awk -F'\t' -v A="$a" -v B="$b" '
    function med(key,   n, i, j, t, arr) {
      n = split(vals[key], arr, " "); if (n == 0 || vals[key] == "") return "";
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] + 0 < arr[i] + 0) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
      return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    $4 ~ /^[0-9.]+$/ { k = $2 SUBSEP $3; vals[k] = vals[k] " " $4; cnt[k]++; unit[$3] = $5
                       if ($6 ~ /^[0-9.]+$/) cpus[k] = cpus[k] " " $6
                       if (!($3 in seen)) { seen[$3] = 1; order[++np] = $3 } }
    END {
      printf "%-38s %-8s %14s %14s %8s %10s %10s %8s\n", "point", "unit", A, B, "ratio", A " cpu", B " cpu", "cpu ratio"
      for (i = 1; i <= np; i++) {
        p = order[i]; ka = A SUBSEP p; kb = B SUBSEP p
        va = med(ka); vb = med(kb); sub(/^ /, "", vals[ka]);
        tmp = vals[ka]; vals[ka] = tmp
        split("", x); ca = ""; cb = ""
        if (cpus[ka] != "") { vals["c" ka] = cpus[ka]; ca = med("c" ka) }
        if (cpus[kb] != "") { vals["c" kb] = cpus[kb]; cb = med("c" kb) }
        r = (va != "" && vb != "" && vb + 0 > 0) ? sprintf("%.2fx", va / vb) : ""
        cr = (ca != "" && cb != "" && cb + 0 > 0) ? sprintf("%.2fx", ca / cb) : ""
        printf "%-38s %-8s %14s %14s %8s %10s %10s %8s   (n=%d/%d)\n", p, unit[p], va, vb, r, ca, cb, cr, cnt[ka], cnt[kb]
      }
    }' "$out"
  ;;
*) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2;;
esac
