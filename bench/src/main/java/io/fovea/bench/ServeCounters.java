package io.fovea.bench;

/**
 * Serve's own counts at one moment, from its {@code /metrics}: seconds its forward passes took,
 * passes and the images in them, commits, and commits asked for ahead of Kafka Streams' interval.
 * All NaN for the plain loop, which reports none.
 */
record ServeCounters(double modelSeconds, double passes, double passImages, double commits, double asked) {
    /** Read from one scrape, so that every count is of the same moment. */
    static ServeCounters of(Contender.Started started) {
        ServeProcess.Scrape now = started.metrics().get();
        return new ServeCounters(
                now.sum("fovea_inference_seconds_sum", ""),
                now.sum("fovea_batch_size_count", ""),
                now.sum("fovea_batch_size_sum", ""),
                now.sum("kafka_stream_thread_commit_total", ""),
                now.sum("fovea_commit_looks_total", "outcome=\"asked\""));
    }

    /** What was counted from {@code before} to this. */
    ServeCounters since(ServeCounters before) {
        return new ServeCounters(
                modelSeconds - before.modelSeconds,
                passes - before.passes,
                passImages - before.passImages,
                commits - before.commits,
                asked - before.asked);
    }
}
