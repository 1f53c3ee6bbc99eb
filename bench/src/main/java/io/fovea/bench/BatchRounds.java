package io.fovea.bench;

import java.util.ArrayList;
import java.util.List;

/** The pipeline at one batch size: its runs, each between two bare runs, and what each run reported. */
record BatchRounds(int batch, List<AroundBare> rounds, List<PipelineBench.Run> runs) {
    double bare() {
        return Percentiles.median(rounds.stream().map(AroundBare::bare).toList());
    }

    double piped() {
        return Percentiles.median(rounds.stream().map(AroundBare::measured).toList());
    }

    double ratio() {
        return Percentiles.median(rounds.stream().map(AroundBare::ratio).toList());
    }

    double compilingSeconds() {
        return Percentiles.median(
                runs.stream().map(PipelineBench.Run::compilingSeconds).toList());
    }

    /** These rounds, then {@code later}'s. */
    BatchRounds and(BatchRounds later) {
        List<AroundBare> allRounds = new ArrayList<>(rounds);
        allRounds.addAll(later.rounds());
        List<PipelineBench.Run> allRuns = new ArrayList<>(runs);
        allRuns.addAll(later.runs());
        return new BatchRounds(batch, allRounds, allRuns);
    }
}
