package io.fovea.bench;

/** Serve's peak resident memory (the kernel's high-water mark) and heap after each step, as a Markdown table. */
final class ServeMemoryTable {
    private final StringBuilder rows =
            new StringBuilder("| step | peak resident MiB (VmHWM) | heap used MiB |\n| --- | ---: | ---: |\n");

    void add(String step, ServeProcess serve) {
        rows.append(String.format(
                "| %s | %d | %.0f |%n",
                step,
                serve.peakResidentBytes() >> 20,
                serve.metric("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20)));
    }

    @Override
    public String toString() {
        return rows.toString();
    }
}
