package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.AutoRollback;
import io.fovea.stream.FakeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When a canary ends itself: only with a rule, only after enough labelled images each, only once. */
class CanaryGuardTest {
    private final FakeModel primary = new FakeModel(1);
    private final FakeModel candidate = new FakeModel(2);
    private final List<String> rollbacks = new ArrayList<>();

    private CanaryGuard guard(AutoRollback rule) {
        Lineup lineup = new Lineup(primary, new Lineup.Trial(candidate, 0.1, rule), null);
        CanaryGuard guard = new CanaryGuard(() -> lineup);
        guard.onRollback(rollbacks::add);
        return guard;
    }

    /** {@code correct} of every 10 labelled images right, for one version. */
    private static void observe(CanaryGuard guard, int version, int images, int correctPerTen) {
        for (int i = 0; i < images; i++) {
            guard.observe(version, i % 10 < correctPerTen);
        }
    }

    @Test
    void aCanaryFarBehindThePrimaryEndsOnceBothHaveEnoughLabelledImages() {
        CanaryGuard guard = guard(new AutoRollback(0.05, 100));
        observe(guard, 1, 100, 9);
        observe(guard, 2, 99, 5);
        assertEquals(List.of(), rollbacks, "99 labelled images of the canary are not yet 100");
        observe(guard, 2, 1, 5);
        assertEquals(1, rollbacks.size());
        assertTrue(rollbacks.get(0).contains("accuracy 0.5100 against the primary's 0.9000"), rollbacks.get(0));
        observe(guard, 2, 200, 0);
        assertEquals(1, rollbacks.size(), "asked once");
    }

    @Test
    void aCanaryWithinTheMarginOrWithoutARuleRunsOn() {
        CanaryGuard within = guard(new AutoRollback(0.05, 100));
        observe(within, 1, 500, 9);
        observe(within, 2, 500, 9);
        CanaryGuard noRule = guard(null);
        observe(noRule, 1, 500, 9);
        observe(noRule, 2, 500, 0);
        assertEquals(List.of(), rollbacks);
    }

    @Test
    void aNewCanaryIsJudgedOnlyOnWhatItClassified() {
        AtomicReference<Lineup> lineup = new AtomicReference<>(
                new Lineup(primary, new Lineup.Trial(candidate, 0.1, new AutoRollback(0.05, 50)), null));
        CanaryGuard guard = new CanaryGuard(lineup::get);
        guard.onRollback(rollbacks::add);
        observe(guard, 1, 50, 9);
        observe(guard, 2, 40, 0);
        FakeModel next = new FakeModel(3);
        lineup.set(new Lineup(primary, new Lineup.Trial(next, 0.1, new AutoRollback(0.05, 50)), null));
        observe(guard, 3, 50, 0);
        assertEquals(List.of(), rollbacks, "the primary's images from before do not count for the new canary");
        observe(guard, 1, 50, 9);
        assertEquals(1, rollbacks.size());
    }
}
