#!/usr/bin/env bash
# The test a user's first `dotnet add package` would be. Packs every shipped project to a local folder,
# creates a fresh console project outside the repository, adds Braid from that folder and runs each C#
# snippet of README.md there (each must print what its `// ...` comment says); then installs the `braid`
# tool from the same folder and runs `braid --version` and `braid demo` with no repository in sight.
# Usage: scripts/pack-install-test.sh [--no-build]   (--no-build: pack what `dotnet build -c Release` built)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# A version of its own, so the global packages folder never serves a stale package from an earlier run.
version="0.0.0-packtest.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work"
  rm -rf "$packages"/braid*/"$version"
}
trap cleanup EXIT
fail() { echo "pack-install-test: FAILED: $*" >&2; exit 1; }

echo "pack-install-test: packing $version into $work/feed"
dotnet pack "$repo/Braid.sln" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet "$@" >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; fail "dotnet pack"; }
# `braid --version` prints the version its assembly was built with (its informational version, without the "+commit"
# suffix: the commit is in the package metadata). Packing with --no-build would ship a tool built with the default version
# inside a package of another one, so the tool is packed again here with a build at this version.
if [[ " $* " == *" --no-build "* ]]; then
  dotnet pack "$repo/src/Braid.Cli/Braid.Cli.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet >"$work/pack-cli.log" 2>&1 \
    || { cat "$work/pack-cli.log"; fail "dotnet pack Braid.Cli (with a build at $version)"; }
fi
for id in Braid Braid.Testing Braid.Embedded Braid.RocksDb Braid.Kafka Braid.Queries Braid.Dashboard Braid.SchemaRegistry Braid.OpenTelemetry Braid.Cli; do
  [[ -f "$work/feed/$id.$version.nupkg" ]] || fail "no package $id"
  [[ -f "$work/feed/$id.$version.snupkg" ]] || fail "no symbol package $id"
done

# Metadata SourceLink derives from the clone (docs/packaging.md): the commit always, the URL only from a remote.
nuspec="$(unzip -p "$work/feed/Braid.$version.nupkg" Braid.nuspec)"
if head="$(git -C "$repo" rev-parse HEAD 2>/dev/null)"; then
  [[ "$nuspec" == *"commit=\"$head\""* ]] || { echo "$nuspec"; fail "Braid.nuspec does not name the commit $head"; }
fi
if origin="$(git -C "$repo" remote get-url origin 2>/dev/null)" && [[ "$origin" == http* ]]; then
  [[ "$nuspec" == *"url=\"$origin\""* ]] || { echo "$nuspec"; fail "Braid.nuspec does not name the origin remote $origin"; }
fi

# A fresh project: the local folder is added beside the machine's own package sources.
mkdir -p "$work/app" && cd "$work/app"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><add key="braid-local" value="$work/feed" /></packageSources></configuration>
XML
dotnet new console --framework net10.0 --name FirstHour --output . >/dev/null
dotnet add package Braid.Testing --version "$version" >/dev/null || fail "dotnet add package Braid.Testing"
dotnet add package Braid.Embedded --version "$version" >/dev/null || fail "dotnet add package Braid.Embedded"

# Each ```csharp block of README.md becomes Program.cs; its expected output is the `// text` after each Console.WriteLine.
awk -v dir="$work/snippets" 'BEGIN{n=0} /^```csharp$/{n++; f=sprintf("%s/%02d.cs", dir, n); inb=1; next} /^```$/{inb=0; next} inb{print > f}' \
  <(mkdir -p "$work/snippets"; cat "$repo/README.md")
count=0
for snippet in "$work"/snippets/*.cs; do
  count=$((count + 1))
  cp "$snippet" Program.cs
  rm -rf state
  expected="$(grep -o 'Console\.WriteLine.*// .*$' "$snippet" | sed 's#.*// ##')"
  [[ -n "$expected" ]] || fail "README snippet $count prints nothing to check (end it with Console.WriteLine(...); // expected)"
  actual="$(dotnet run -c Release 2>&1)" || { echo "$actual"; fail "README snippet $count did not run"; }
  [[ "$actual" == *"$expected"* ]] || { echo "$actual"; fail "README snippet $count printed no '$expected'"; }
  echo "pack-install-test: README snippet $count ran and printed '$expected'"
done
[[ $count -ge 2 ]] || fail "found $count C# snippets in README.md, expected at least 2"

# The tool, from the same folder, run away from the repository.
dotnet tool install Braid.Cli --version "$version" --tool-path "$work/tools" --add-source "$work/feed" >/dev/null || fail "dotnet tool install"
cd "$work"
v="$("$work/tools/braid" --version)" || fail "braid --version"
[[ "$v" == "$version" ]] || fail "braid --version printed '$v', not the package version $version"
out="$("$work/tools/braid" demo product-views 2>&1)" || { echo "$out"; fail "braid demo"; }
[[ "$out" == *"product-views"* || "$out" == *"Product views"* ]] || { echo "$out"; fail "braid demo printed no product-views demo"; }
echo "pack-install-test: braid $v installed as a dotnet tool and ran 'braid demo product-views'"
echo "pack-install-test: OK"
