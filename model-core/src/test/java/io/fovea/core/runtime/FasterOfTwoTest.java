package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FasterOfTwoTest {

    private static String slow(List<String> ran) {
        ran.add("slow");
        Blocking.pause(java.time.Duration.ofMillis(30));
        return "slow";
    }

    @Test
    void bothRunWhileTimingThenOnlyTheFasterWhicheverComesFirst() {
        for (boolean slowFirst : new boolean[] {true, false}) {
            FasterOfTwo choice = new FasterOfTwo();
            List<String> ran = new ArrayList<>();
            int decidingRuns = 2 + 2 * FasterOfTwo.TIMED_RUNS;
            for (int i = 0; i < decidingRuns + 5; i++) {
                String result = slowFirst
                        ? choice.run(() -> slow(ran), () -> fast(ran))
                        : choice.run(() -> fast(ran), () -> slow(ran));
                assertEquals(ran.get(ran.size() - 1), result, "each run returns what it ran");
                if (i == decidingRuns - 2) {
                    assertEquals(-1, choice.chosen(), "undecided before the last timed run");
                }
            }
            assertEquals(slowFirst ? 1 : 0, choice.chosen());
            assertEquals(
                    FasterOfTwo.TIMED_RUNS + 1,
                    ran.stream().filter("slow"::equals).count(),
                    "slow ran only to be timed");
            assertEquals(List.of("fast", "fast", "fast", "fast", "fast"), ran.subList(decidingRuns, ran.size()));
        }
    }

    private static String fast(List<String> ran) {
        ran.add("fast");
        return "fast";
    }
}
