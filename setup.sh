#!/usr/bin/env bash
# sgsim set-up on a fresh Debian 12 machine: installs what is missing (Debian
# packages only), builds, then runs the main job or the test suite.
#
#   ./setup.sh run    install, build, compare the local baseline with the commissioner
#                     options and write the report -> results/report.html
#   ./setup.sh test   install, build, run the whole test suite (CTest)
#   ./setup.sh build  install and build only
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake git pkg-config
  libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools libcli11-dev libyaml-cpp-dev libfmt-dev nlohmann-json3-dev libcpp-httplib-dev
  librandom123-dev libgtest-dev libbenchmark-dev libboost-math-dev
  libcereal-dev  # checkpoints: the state archive (sim/storage/state_archive.hpp)
  libcsv-dev  # the table of local authorities of a national run (sim/run/national.cpp)
  libopenmpi-dev openmpi-bin  # ensembles over MPI ranks (docs/cluster.md)
  python3 python3-h5py python3-numpy python3-yaml python3-scipy python3-pandas python3-matplotlib
  chromium)  # chromium: the report test renders the HTML report headless

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  local werror=OFF
  [ -n "${CI:-}" ] && werror=ON   # CI builds with -Werror
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSGSIM_WERROR="$werror" >/dev/null
  cmake --build build -j2
}

case "${1:-}" in
  run)
    install_missing
    build
    mkdir -p results
    # The main job: the local baseline against the commissioner options, 8 paired
    # replicates of 5 years each, then the HTML report. results/ belongs to this
    # script, so its files are replaced on each run (--force).
    ./build/sgsim compare scenarios/local/metropolitan.yaml scenarios/local/options/*.yaml \
      -r 8 -o results/compare.h5 --force
    ./build/sgsim report results/compare.h5 -o results/report.html --force
    ;;
  test)
    install_missing
    build
    cd build && ctest --output-on-failure -j2
    ;;
  build)
    install_missing
    build
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
