package io.fovea.cli.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The evidence {@code models promote --require} asks for: comma-separated terms like {@code
 * agreement>=0.95}, {@code samples>=1000} or {@code accuracy_gain>=-0.01}, each a figure of
 * {@link TrialEvidence}, a comparison (>=, <=, >, <) and a number. A figure nothing measured
 * (NaN) meets no requirement.
 */
record PromotionGate(List<Term> terms) {
    private static final Pattern TERM =
            Pattern.compile("\\s*([a-z_]+)\\s*(>=|<=|>|<)\\s*(-?[0-9.]+(?:[eE]-?[0-9]+)?)\\s*");

    record Term(String figure, String comparison, double bound) {
        boolean metBy(double value) {
            return switch (comparison) {
                case ">=" -> value >= bound;
                case "<=" -> value <= bound;
                case ">" -> value > bound;
                default -> value < bound;
            };
        }

        @Override
        public String toString() {
            return figure + comparison + bound;
        }
    }

    static PromotionGate parse(String text, List<String> figures) {
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",")) {
            Matcher m = TERM.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("--require takes FIGURE>=NUMBER,... (figures: "
                        + String.join(", ", figures) + "), got '" + part.strip() + "'");
            }
            if (!figures.contains(m.group(1))) {
                throw new IllegalArgumentException(
                        "--require: no figure '" + m.group(1) + "'; there are " + String.join(", ", figures));
            }
            terms.add(new Term(m.group(1), m.group(2), Double.parseDouble(m.group(3))));
        }
        return new PromotionGate(List.copyOf(terms));
    }

    /** The terms {@code figures} do not meet; empty when the promotion may go ahead. */
    List<Term> unmet(Map<String, Double> figures) {
        return terms.stream().filter(t -> !t.metBy(figures.get(t.figure()))).toList();
    }
}
