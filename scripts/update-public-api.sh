#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, and removes symbols that no longer exist (RS0017). Review the diff after.
# Usage: scripts/update-public-api.sh src/Braid
set -euo pipefail
proj_dir=${1:?project folder}
for pass in 1 2; do
  out=$(dotnet build "$proj_dir" --no-incremental -p:TreatWarningsAsErrors=false 2>&1 || true)
  add=$(echo "$out" | grep -oP "RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u || true)
  del=$(echo "$out" | grep -oP "RS0017: Symbol '\K.*(?=' is part of the declared API, but)" | sort -u || true)
  f="$proj_dir/PublicAPI.Unshipped.txt"
  if [ -n "$add" ]; then printf '%s\n' "$add" >> "$f"; fi
  if [ -n "$del" ]; then while IFS= read -r s; do grep -vxF -- "$s" "$f" > "$f.tmp" || true; mv "$f.tmp" "$f"; done <<< "$del"; fi
  { head -1 "$f"; tail -n +2 "$f" | sort -u; } > "$f.tmp" && mv "$f.tmp" "$f"
done
dotnet build "$proj_dir" --no-incremental 2>&1 | grep -E " error |Build succeeded" | sort -u | head -30
