package io.fovea.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;

/** The broker's work per 1,000 images of each pipeline ({@link BrokerWork}), medians of the rounds. */
final class BrokerWorkTable {
    private BrokerWorkTable() {}

    static void print(PrintWriter out, List<Contender> contenders, List<ComparisonRound> rounds) {
        List<Contender> pipelines = contenders.stream()
                .filter(c -> rounds.stream()
                        .anyMatch(r -> !r.runs().get(c).brokerPerThousand().isEmpty()))
                .toList();
        if (pipelines.isEmpty()) {
            return; // a broker in another process: its meters are not ours to read
        }
        TreeSet<String> keys = new TreeSet<>();
        rounds.forEach(r -> pipelines.forEach(
                c -> keys.addAll(r.runs().get(c).brokerPerThousand().keySet())));
        ComparisonReport.header(out, "broker's work per 1,000 images", pipelines);
        for (String key : keys) {
            StringBuilder row = new StringBuilder("| " + key + " |");
            for (Contender c : pipelines) {
                double median = ComparisonReport.median(
                        rounds, r -> r.runs().get(c).brokerPerThousand().getOrDefault(key, 0.0));
                row.append(String.format(" %.1f |", median));
            }
            out.println(row);
        }
        out.printf(
                "%n(From the broker's own meters in the benchmark's JVM over each run's measured span, medians of the"
                        + " rounds: requests it answered by type, records and KB appended by what the topic is for. A held"
                        + " copy reaches the %s only when a commit or a full cache finds its image still waiting or in a"
                        + " forward pass; its deletion follows as a tombstone.)%n%n",
                BrokerWork.CHANGELOG);
        out.flush();
    }
}
