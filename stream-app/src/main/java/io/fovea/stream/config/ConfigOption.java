package io.fovea.stream.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting: its key, type, default, check and description in one place, as Flink's
 * {@code ConfigOption} holds them. Kafka's {@code ConfigDef} would do too, but its types have no
 * room for {@code auto} beside a number and its errors and docs are not ours to word.
 *
 * @param defaultValue the default as it would be written in a properties file
 * @param documentedDefault what the docs show as the default (the default itself, or what it means)
 */
public record ConfigOption<T>(
        String key,
        Type<T> type,
        String defaultValue,
        String documentedDefault,
        String description,
        Predicate<T> check,
        String checkExpects) {

    /** How a value is read from text, and what to call a value that is not one. */
    public record Type<T>(String expected, Function<String, T> parser) {}

    public static final Type<String> TEXT = new Type<>("text", text -> text);
    public static final Type<Integer> INT = new Type<>("a whole number", text -> Integer.parseInt(text.trim()));
    public static final Type<Long> LONG = new Type<>("a whole number", text -> Long.parseLong(text.trim()));
    public static final Type<Duration> MILLIS =
            new Type<>("a whole number", text -> Duration.ofMillis(Long.parseLong(text.trim())));
    /** {@code true} or {@code false}, nothing else: a typo must not read as false. */
    public static final Type<Boolean> BOOL = new Type<>("true or false", text -> switch (text.trim()) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException(text);
    });
    /** A whole number, or {@code auto} (empty): a value worked out at start. */
    public static final Type<OptionalLong> LONG_OR_AUTO = new Type<>(
            "a whole number or " + StreamOptions.AUTO,
            text -> isAuto(text) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text.trim())));

    /** Text that must be one of {@code choices}. */
    public static Type<String> oneOf(String... choices) {
        return new Type<>(String.join(" or ", choices), text -> {
            if (!List.of(choices).contains(text)) {
                throw new IllegalArgumentException(text);
            }
            return text;
        });
    }

    public static <T> ConfigOption<T> of(String key, Type<T> type, String defaultValue, String description) {
        return new ConfigOption<>(key, type, defaultValue, "`" + defaultValue + "`", description, value -> true, "");
    }

    /** The same option, with values refused unless {@code ok}: "KEY must be {@code expects}". */
    public ConfigOption<T> check(Predicate<T> ok, String expects) {
        return new ConfigOption<>(key, type, defaultValue, documentedDefault, description, ok, expects);
    }

    /** The same option, its default shown in the docs as {@code shown} (e.g. what an empty default means). */
    public ConfigOption<T> documentedDefault(String shown) {
        return new ConfigOption<>(key, type, defaultValue, shown, description, check, checkExpects);
    }

    /** The typed value of {@code text}, or an error naming the key and what was expected. */
    public T parse(String text) {
        T value;
        try {
            value = type.parser().apply(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be " + type.expected() + ", got '" + text + "'");
        }
        if (!check.test(value)) {
            throw new IllegalArgumentException(key + " must be " + checkExpects + ", got " + text);
        }
        return value;
    }

    public static Predicate<Integer> positiveInt() {
        return value -> value > 0;
    }

    public static Predicate<Long> positiveLong() {
        return value -> value > 0;
    }

    public static Predicate<Duration> positiveDuration() {
        return value -> value.toMillis() > 0;
    }

    private static boolean isAuto(String text) {
        return StreamOptions.AUTO.equals(text.trim().toLowerCase(Locale.ROOT));
    }
}
