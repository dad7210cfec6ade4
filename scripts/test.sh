#!/usr/bin/env bash
# The project's test command: builds the bare-metal guest tests (which the
# integration tests run from target/firmware/tests), then checks formatting
# and lints and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

firmware/build-tests.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace --release
