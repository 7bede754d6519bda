#!/usr/bin/env bash
# Rebuilds Lisoloo.sln from every project in the tree (used to resolve merge conflicts in the solution file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -f Lisoloo.sln
dotnet new sln --format sln -n Lisoloo -o . >/dev/null
git ls-files --cached --others --exclude-standard '*.csproj' | grep -v PackageConsumer | sort | xargs dotnet sln Lisoloo.sln add >/dev/null  # the package consumer restores from packs, see eng/test.sh
echo "Lisoloo.sln: $(grep -c '^Project(' Lisoloo.sln) projects"
