package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every command's and subcommand's help, as {@code bin/fovea ... --help} prints it. */
class HelpTest {

    @Test
    void everyHelpRendersWithoutAPicocliWarning() {
        List<CommandLine> commands = all(FoveaCommand.commandLine());
        assertTrue(
                commands.stream()
                        .anyMatch(c -> c.getCommandSpec().qualifiedName().equals("fovea bench swaps")),
                "subcommands of subcommands too");
        assertEquals("", warningsRendering(commands), "picocli warned while rendering a help");
        assertTrue(
                warningsRendering(List.of(new CommandLine(new UnescapedPercent())))
                        .contains("[picocli WARN]"),
                "the check sees what it is for");
    }

    @Command(name = "unescaped", description = "Runs a share of the keys.")
    static final class UnescapedPercent {
        @picocli.CommandLine.Option(names = "--share", description = "A share (10% by default) of the keys.")
        double share;
    }

    /** What picocli's tracer printed while rendering each command's usage (it writes to System.err as it is then). */
    private static String warningsRendering(List<CommandLine> commands) {
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (CommandLine command : commands) {
                StringWriter usage = new StringWriter();
                command.usage(new PrintWriter(usage, true));
                assertTrue(
                        usage.toString().contains("Usage: "),
                        command.getCommandSpec().qualifiedName());
            }
        } finally {
            System.setErr(err);
        }
        return warnings.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everySummaryIsOneWholeSentence() {
        List<String> cut = new ArrayList<>();
        for (CommandLine command : all(FoveaCommand.commandLine())) {
            String[] description = command.getCommandSpec().usageMessage().description();
            String summary =
                    description.length == 0 ? "" : String.format(description[0]).strip();
            if (!(summary.endsWith(".") || summary.endsWith("?") || summary.endsWith("!"))) {
                cut.add(command.getCommandSpec().qualifiedName() + ": '" + summary + "'");
            }
        }
        assertEquals(
                List.of(),
                cut,
                "the first line of a description (what the command list shows) must be a whole sentence");
    }

    /**
     * A description paragraph broken over array elements renders as ragged lines, each wrapped on
     * its own; and an option without a description shows a blank where its meaning should be.
     */
    @Test
    void everyDescriptionLineEndsASentenceAndEveryOptionSaysWhatItDoes() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : all(FoveaCommand.commandLine())) {
            String name = command.getCommandSpec().qualifiedName();
            for (String line : command.getCommandSpec().usageMessage().description()) {
                if (!line.strip().matches("(?s).*[.!?]$")) {
                    problems.add(name + ": line '" + line + "' ends mid-sentence");
                }
            }
            for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
                String[] text = option.description();
                if (!option.hidden()
                        && (text.length == 0 || String.join("", text).isBlank())) {
                    problems.add(name + " " + option.longestName() + ": no description");
                }
                for (String line : text) {
                    if (!line.strip().matches("(?s).*[.!?)]$") && text.length > 1) {
                        problems.add(name + " " + option.longestName() + ": line '" + line + "' ends mid-sentence");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** {@code root} and every command below it. */
    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> commands = new ArrayList<>(List.of(root));
        root.getSubcommands().values().stream()
                .filter(sub -> sub.getParent() == root) // aliases appear twice
                .distinct()
                .forEach(sub -> commands.addAll(all(sub)));
        return commands;
    }
}
