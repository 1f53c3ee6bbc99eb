#!/usr/bin/env bash
# A real single-node Kafka broker on 127.0.0.1, without Docker: what `bin/fovea broker` runs.
#
#   deploy/local/kafka-broker.sh [DATA_DIR] [PORT]
#
# Kafka 4.4 in KRaft mode with broker and controller in one process. DATA_DIR (default
# ~/.fovea/kafka) is formatted on the first start (kafka-storage format, cluster id kept in
# DATA_DIR/fovea-cluster-id) and reused after, so topics and committed offsets survive restarts.
# The settings that matter on one node (see local-broker/.../LocalKafkaBroker.java):
#   offsets.topic.replication.factor=1            consumer groups can commit
#   transaction.state.log.replication.factor=1    exactly-once transactions can start
#   transaction.state.log.min.isr=1
#   group.initial.rebalance.delay.ms=0            a lone consumer need not wait 3 s
# Ctrl-C (SIGINT) or SIGTERM stops it cleanly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$here/bin/fovea" broker --dir "${1:-$HOME/.fovea/kafka}" --port "${2:-9092}"
