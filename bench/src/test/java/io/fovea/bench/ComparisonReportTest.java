package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The main table's ratios, from rounds whose figures are made up so that each ratio is known. */
class ComparisonReportTest {
    private static final List<Contender> CONTENDERS = Contender.all(List.of(PrecisionModels.FP32), List.of());

    /** A round in which the model alone ran at {@code alone} and exactly once at {@code serve}, with the model alone beside it at {@code beside}. */
    private static ComparisonRound round(double alone, double serve, double beside) {
        Map<Contender, ComparisonRound.Run> runs = new LinkedHashMap<>();
        for (Contender c : CONTENDERS) {
            double rate = c.isPipeline() ? serve : alone;
            ComparisonRound.Run run = new ComparisonRound.Run(
                    rate, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of(), Map.of(), Double.NaN, Double.NaN);
            runs.put(c, c.isPipeline() ? run.beside(beside) : run);
        }
        return new ComparisonRound(runs);
    }

    private static List<String> row(String table, String label) {
        String line = table.lines()
                .filter(l -> l.startsWith("| " + label + " |"))
                .findFirst()
                .orElseThrow();
        return Arrays.stream(line.split("\\|")).map(String::trim).skip(1).toList();
    }

    @Test
    void aPipelineIsComparedWithTheModelAloneOfItsRoundAndWithTheModelAloneMeasuredBesideItsRun() {
        // the host was fast when the rounds' model-alone rows ran and slower beside the pipelines
        List<ComparisonRound> rounds = List.of(round(400, 340, 360), round(380, 342, 350), round(390, 300, 340));
        StringWriter text = new StringWriter();
        new ComparisonReport(new PrintWriter(text, true), CONTENDERS, rounds).table(32, new double[0], Map.of(), 10);

        Contender exactlyOnce = CONTENDERS.get(CONTENDERS.size() - 1);
        List<String> serve = row(text.toString(), exactlyOnce.label);
        assertEquals("340.0", serve.get(1), "img/s, median of the rounds");
        assertEquals("0.85", serve.get(2), "/ model alone: median of 340/400, 342/380 = 0.90, 300/390 = 0.77");
        assertEquals("0.94", serve.get(3), "beside it: median of 340/360, 342/350 = 0.98, 300/340 = 0.88");
        List<String> alone = row(text.toString(), Contender.Kind.MODEL_ALONE.label);
        assertEquals("1.00", alone.get(2));
        assertEquals("", alone.get(3), "the model alone has nothing beside it");
    }
}
