#!/usr/bin/env bash
# Entry point for a fresh machine with only the .NET SDK and git:
#   ./build.sh demo   build the module and run the demo on a generated sample experiment
#   ./build.sh test   install tools, build, run every suite; ends with "N passed, N failed"
#   ./build.sh build  build the module into out/Scylla
#   ./build.sh package  build out/Scylla.<version>.nupkg (Install-PSResource installs it; README, "Install")
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1
dotnet tool restore >/dev/null
exec dotnet pwsh -NoProfile -NonInteractive -File tools/build.ps1 "${1:-build}"
