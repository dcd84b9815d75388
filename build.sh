#!/usr/bin/env bash
# ./build.sh test   installs what a fresh Debian machine lacks for the tests, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"

install_missing() {
  local missing=()
  [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
  command -v runuser >/dev/null || missing+=(util-linux)
  [ -x /usr/bin/chromium ] || missing+=(chromium)                       # browser tests (Playwright drives it)
  fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || missing+=(fonts-wqy-microhei fontconfig)  # Chinese text
  command -v npm >/dev/null || missing+=(nodejs npm)                    # the front end, built with the Host
  command -v redis-server >/dev/null || missing+=(redis-server)         # the SignalR backplane
  command -v haproxy >/dev/null || missing+=(haproxy)                   # the load balancer of the three-host test
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
  fi
  # The integration tests start their own PostgreSQL cluster as this user when run as root.
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
  fi
}

case "${1:-test}" in
  test)
    install_missing
    # The front end's packages at the lockfile's versions (npm install rather than npm ci: the registry copy here lacks
    # other platforms' optional native packages, which npm ci insists on); --no-save leaves the committed lockfile as it is.
    (cd src/Designer && npm install --no-audit --no-fund --no-save)
    # Built here, not only inside the Host's build (which goes on without it): a type error fails the run.
    (cd src/Designer && npm run build)
    # The built workbench is committed (src/Host/wwwroot), so that running the service needs nothing but .NET: a change
    # to the front end's sources without its rebuilt files fails here.
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ -n "$(git status --porcelain -- src/Host/wwwroot)" ]; then
      git status --short -- src/Host/wwwroot
      echo "src/Host/wwwroot differs from the front end's sources: commit the files 'npm run build' wrote there." >&2
      exit 1
    fi
    dotnet restore Workflow.sln
    dotnet test Workflow.sln
    ;;
  *)
    echo "usage: ./build.sh test" >&2
    exit 64
    ;;
esac
